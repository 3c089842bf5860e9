// Declarations of the subset of the HailoRT C ABI that hailo8-service uses, for libhailort 4.20
// to 4.23.
//
// Written from the project's own notes on the ABI (struct sizes and offsets, enum values and
// prototypes of libhailort 4.20.0 to 4.23.0, x86_64 and aarch64 Linux alike); no HailoRT header
// is used. 4.21, 4.22 and 4.23 have one layout (the unsuffixed types); 4.20 differs in the few
// types declared again with a _v4_20 suffix. The functions are the same in all four. The library
// is never linked: the Swift binding dlopen()s libhailort.so.<version> and casts each symbol to
// the function-pointer typedefs below. Layouts are asserted by the binding's tests.
#ifndef CHAILORT_H
#define CHAILORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Every hailo_*_t enum is a 4-byte C enum; written here as fixed-width integers.
typedef uint32_t hailo_status;
typedef uint32_t hailo_format_type_t;        // AUTO 0, UINT8 1, UINT16 2, FLOAT32 3
typedef uint32_t hailo_format_order_t;       // AUTO 0, NHWC 1, ..., NC 6, NHW 5, NMS_BY_CLASS 22
typedef uint32_t hailo_format_flags_t;
typedef uint32_t hailo_stream_direction_t;   // H2D 0, D2H 1
typedef uint32_t hailo_scheduling_algorithm_t; // NONE 0, ROUND_ROBIN 1
typedef uint32_t hailo_device_architecture_t;  // HAILO8_A0 0, HAILO8 1, HAILO8L 2, ...
typedef uint32_t hailo_power_mode_t;         // PERFORMANCE 0, ULTRA_PERFORMANCE 1
typedef uint32_t hailo_dvm_options_t;        // AUTO 0x7fffffff
typedef uint32_t hailo_power_measurement_types_t; // POWER 2
typedef uint32_t hailo_notification_id_t;    // TEMPERATURE_ALARM 1, OVERCURRENT_ALARM 3, CLOCK_CHANGED 10

// Opaque handles.
typedef struct _hailo_device *hailo_device;
typedef struct _hailo_vdevice *hailo_vdevice;
typedef struct _hailo_hef *hailo_hef;
typedef struct _hailo_configured_network_group *hailo_configured_network_group;
typedef struct _hailo_input_vstream *hailo_input_vstream;
typedef struct _hailo_output_vstream *hailo_output_vstream;

typedef float float32_t;

#define HAILO_MAX_DEVICE_ID_LENGTH 32
#define HAILO_MAX_STREAM_NAME_SIZE 128
#define HAILO_MAX_NETWORK_NAME_SIZE 257
#define HAILO_MAX_STREAMS_COUNT 40
#define HAILO_MAX_NETWORK_GROUPS 8
#define HAILO_MAX_NETWORKS_IN_NETWORK_GROUP 8

typedef struct { uint32_t major; uint32_t minor; uint32_t revision; } hailo_version_t;            // 12
typedef struct { char id[HAILO_MAX_DEVICE_ID_LENGTH]; } hailo_device_id_t;                        // 32

typedef struct {                                                                                  // 40
    uint32_t device_count;
    hailo_device_id_t *device_ids;
    hailo_scheduling_algorithm_t scheduling_algorithm;
    const char *group_id;
    bool multi_process_service;
} hailo_vdevice_params_t;

typedef struct { uint32_t major; uint32_t minor; uint32_t revision; } hailo_firmware_version_t;   // 12

typedef struct {                                                                                  // 140
    uint32_t protocol_version;
    hailo_firmware_version_t fw_version;
    uint32_t logger_version;
    uint8_t board_name_length;
    char board_name[32];            // not NUL-terminated: use the length
    bool is_release;
    bool extended_context_switch_buffer;
    hailo_device_architecture_t device_architecture;
    uint8_t serial_number_length;
    char serial_number[16];
    uint8_t part_number_length;
    char part_number[16];
    uint8_t product_name_length;
    char product_name[42];
} hailo_device_identity_t;

typedef struct { bool ethernet; bool mipi; bool pcie; bool current_monitoring; bool mdio; } hailo_device_supported_features_t; // 5

typedef struct {                                                                                  // 96
    uint32_t neural_network_core_clock_rate;
    hailo_device_supported_features_t supported_features;
    uint32_t boot_source;
    uint8_t soc_id[32];
    uint8_t lcs;
    uint8_t eth_mac_address[6];
    uint8_t unit_level_tracking_id[12];
    uint8_t soc_pm_values[24];
    uint16_t gpio_mask;
} hailo_extended_device_information_t;

// HailoRT 4.20.x: the same fields without gpio_mask (92 bytes). A 96-byte 4.21+ struct is a safe
// buffer for 4.20's call (its last 4 bytes are left alone); the reverse would overflow.
typedef struct {                                                                                  // 92
    uint32_t neural_network_core_clock_rate;
    hailo_device_supported_features_t supported_features;
    uint32_t boot_source;
    uint8_t soc_id[32];
    uint8_t lcs;
    uint8_t eth_mac_address[6];
    uint8_t unit_level_tracking_id[12];
    uint8_t soc_pm_values[24];
} hailo_extended_device_information_v4_20_t;

typedef struct { float32_t ts0_temperature; float32_t ts1_temperature; uint16_t sample_count; } hailo_chip_temperature_info_t; // 12

typedef struct { hailo_format_type_t type; hailo_format_order_t order; hailo_format_flags_t flags; } hailo_format_t; // 12
typedef struct { float32_t qp_zp; float32_t qp_scale; float32_t limvals_min; float32_t limvals_max; } hailo_quant_info_t; // 16
typedef struct { uint32_t height; uint32_t width; uint32_t features; } hailo_3d_image_shape_t;     // 12
typedef struct {                                                                                  // 16
    uint32_t number_of_classes;
    uint32_t max_bboxes_per_class;
    uint32_t max_bboxes_total;
    uint32_t max_accumulated_mask_size;
} hailo_nms_shape_t;

// HailoRT 4.20.x: per-class and total box counts share one slot (a union; it holds the per-class
// count unless order_type is 2, by score), then the mask size, then a result-order enum. Same
// 16 bytes, so hailo_vstream_info_t keeps its size; read its nms_shape through this type there.
typedef struct {                                                                                  // 16
    uint32_t number_of_classes;
    union {
        uint32_t max_bboxes_per_class;
        uint32_t max_bboxes_total;
    };
    uint32_t max_accumulated_mask_size;
    uint32_t order_type;            // 0 HW, 1 BY_CLASS, 2 BY_SCORE
} hailo_nms_shape_v4_20_t;

#pragma pack(push, 1)
typedef struct { float32_t y_min; float32_t x_min; float32_t y_max; float32_t x_max; float32_t score; } hailo_bbox_float32_t; // 20, packed
typedef struct { uint32_t id; uint32_t sequence; uint8_t body[20]; } hailo_notification_t;      // 28, packed
#pragma pack(pop)

typedef struct {                                                                                  // 436
    char name[HAILO_MAX_STREAM_NAME_SIZE];
    char network_name[HAILO_MAX_NETWORK_NAME_SIZE];
    hailo_stream_direction_t direction;
    hailo_format_t format;
    union {
        hailo_3d_image_shape_t shape;
        hailo_nms_shape_t nms_shape;
    };
    hailo_quant_info_t quant_info;
} hailo_vstream_info_t;

typedef struct {                                                                                  // 28
    hailo_format_t user_buffer_format;
    uint32_t timeout_ms;
    uint32_t queue_size;
    uint32_t vstream_stats_flags;
    uint32_t pipeline_elements_stats_flags;
} hailo_vstream_params_t;

typedef struct { char name[HAILO_MAX_STREAM_NAME_SIZE]; hailo_vstream_params_t params; } hailo_input_vstream_params_by_name_t;  // 156
typedef struct { char name[HAILO_MAX_STREAM_NAME_SIZE]; hailo_vstream_params_t params; } hailo_output_vstream_params_by_name_t; // 156

typedef struct {                                                                                  // 80
    uint32_t stream_interface;
    hailo_stream_direction_t direction;
    uint32_t flags;
    uint8_t interface_params[68];   // union of per-interface parameters, unused here
} hailo_stream_parameters_t;

typedef struct { char name[HAILO_MAX_STREAM_NAME_SIZE]; hailo_stream_parameters_t stream_params; } hailo_stream_parameters_by_name_t; // 208
typedef struct { uint16_t batch_size; } hailo_network_parameters_t;
typedef struct { char name[HAILO_MAX_NETWORK_NAME_SIZE]; hailo_network_parameters_t network_params; } hailo_network_parameters_by_name_t; // 260

typedef struct {                                                                                  // 10560
    char name[HAILO_MAX_STREAM_NAME_SIZE];
    uint16_t batch_size;
    hailo_power_mode_t power_mode;
    uint32_t latency;
    size_t stream_params_by_name_count;
    hailo_stream_parameters_by_name_t stream_params_by_name[HAILO_MAX_STREAMS_COUNT];
    size_t network_params_by_name_count;
    hailo_network_parameters_by_name_t network_params_by_name[HAILO_MAX_NETWORKS_IN_NETWORK_GROUP];
} hailo_configure_network_group_params_t;

typedef struct {                                                                                  // 84488
    size_t network_group_params_count;
    hailo_configure_network_group_params_t network_group_params[HAILO_MAX_NETWORK_GROUPS];
} hailo_configure_params_t;

typedef struct { char name[HAILO_MAX_STREAM_NAME_SIZE]; bool is_multi_context; } hailo_network_group_info_t; // 129

typedef void (*hailo_notification_callback)(hailo_device device, const hailo_notification_t *notification, void *opaque);

// Function types, one per symbol used (name = symbol + "_fn").
typedef hailo_status (*hailo_get_library_version_fn)(hailo_version_t *version);
typedef const char *(*hailo_get_status_message_fn)(hailo_status status);
typedef hailo_status (*hailo_scan_devices_fn)(void *params, hailo_device_id_t *device_ids, size_t *device_ids_length);
typedef hailo_status (*hailo_create_device_by_id_fn)(const hailo_device_id_t *device_id, hailo_device *device);
typedef hailo_status (*hailo_release_device_fn)(hailo_device device);
typedef hailo_status (*hailo_get_device_id_fn)(hailo_device device, hailo_device_id_t *id);
typedef hailo_status (*hailo_identify_fn)(hailo_device device, hailo_device_identity_t *identity);
typedef hailo_status (*hailo_get_extended_device_information_fn)(hailo_device device, hailo_extended_device_information_t *info);
typedef hailo_status (*hailo_get_chip_temperature_fn)(hailo_device device, hailo_chip_temperature_info_t *temp_info);
typedef hailo_status (*hailo_get_throttling_state_fn)(hailo_device device, bool *is_active);
typedef hailo_status (*hailo_power_measurement_fn)(hailo_device device, hailo_dvm_options_t dvm, hailo_power_measurement_types_t type, float32_t *measurement);
typedef hailo_status (*hailo_set_notification_callback_fn)(hailo_device device, hailo_notification_callback callback, hailo_notification_id_t id, void *opaque);
typedef hailo_status (*hailo_init_vdevice_params_fn)(hailo_vdevice_params_t *params);
typedef hailo_status (*hailo_create_vdevice_fn)(hailo_vdevice_params_t *params, hailo_vdevice *vdevice);
typedef hailo_status (*hailo_configure_vdevice_fn)(hailo_vdevice vdevice, hailo_hef hef, hailo_configure_params_t *params, hailo_configured_network_group *network_groups, size_t *number_of_network_groups);
typedef hailo_status (*hailo_get_physical_devices_fn)(hailo_vdevice vdevice, hailo_device *devices, size_t *number_of_devices);
typedef hailo_status (*hailo_release_vdevice_fn)(hailo_vdevice vdevice);
typedef hailo_status (*hailo_create_hef_file_fn)(hailo_hef *hef, const char *file_name);
typedef hailo_status (*hailo_create_hef_buffer_fn)(hailo_hef *hef, const void *buffer, size_t size);
typedef hailo_status (*hailo_release_hef_fn)(hailo_hef hef);
typedef hailo_status (*hailo_get_network_groups_infos_fn)(hailo_hef hef, hailo_network_group_info_t *infos, size_t *number_of_infos);
typedef hailo_status (*hailo_hef_get_all_vstream_infos_fn)(hailo_hef hef, const char *name, hailo_vstream_info_t *vstream_infos, size_t *vstream_infos_count);
typedef hailo_status (*hailo_init_configure_params_by_vdevice_fn)(hailo_hef hef, hailo_vdevice vdevice, hailo_configure_params_t *params);
typedef hailo_status (*hailo_set_scheduler_timeout_fn)(hailo_configured_network_group ng, uint32_t timeout_ms, const char *network_name);
typedef hailo_status (*hailo_set_scheduler_threshold_fn)(hailo_configured_network_group ng, uint32_t threshold, const char *network_name);
typedef hailo_status (*hailo_set_scheduler_priority_fn)(hailo_configured_network_group ng, uint8_t priority, const char *network_name);
typedef hailo_status (*hailo_shutdown_network_group_fn)(hailo_configured_network_group ng);
typedef hailo_status (*hailo_make_input_vstream_params_fn)(hailo_configured_network_group ng, bool unused, hailo_format_type_t format_type, hailo_input_vstream_params_by_name_t *input_params, size_t *input_params_count);
typedef hailo_status (*hailo_make_output_vstream_params_fn)(hailo_configured_network_group ng, bool unused, hailo_format_type_t format_type, hailo_output_vstream_params_by_name_t *output_params, size_t *output_params_count);
typedef hailo_status (*hailo_create_input_vstreams_fn)(hailo_configured_network_group ng, const hailo_input_vstream_params_by_name_t *inputs_params, size_t inputs_count, hailo_input_vstream *input_vstreams);
typedef hailo_status (*hailo_create_output_vstreams_fn)(hailo_configured_network_group ng, const hailo_output_vstream_params_by_name_t *outputs_params, size_t outputs_count, hailo_output_vstream *output_vstreams);
typedef hailo_status (*hailo_get_input_vstream_frame_size_fn)(hailo_input_vstream vstream, size_t *frame_size);
typedef hailo_status (*hailo_get_output_vstream_frame_size_fn)(hailo_output_vstream vstream, size_t *frame_size);
typedef hailo_status (*hailo_get_input_vstream_info_fn)(hailo_input_vstream vstream, hailo_vstream_info_t *info);
typedef hailo_status (*hailo_get_output_vstream_info_fn)(hailo_output_vstream vstream, hailo_vstream_info_t *info);
typedef hailo_status (*hailo_get_output_vstream_quant_infos_fn)(hailo_output_vstream vstream, hailo_quant_info_t *quant_infos, size_t *quant_infos_count);
typedef hailo_status (*hailo_vstream_write_raw_buffer_fn)(hailo_input_vstream vstream, const void *buffer, size_t buffer_size);
typedef hailo_status (*hailo_vstream_read_raw_buffer_fn)(hailo_output_vstream vstream, void *buffer, size_t buffer_size);
typedef hailo_status (*hailo_vstream_set_nms_score_threshold_fn)(hailo_output_vstream vstream, float32_t threshold);
typedef hailo_status (*hailo_vstream_set_nms_iou_threshold_fn)(hailo_output_vstream vstream, float32_t threshold);
typedef hailo_status (*hailo_vstream_set_nms_max_proposals_per_class_fn)(hailo_output_vstream vstream, uint32_t max_proposals_per_class);
typedef hailo_status (*hailo_release_input_vstreams_fn)(const hailo_input_vstream *input_vstreams, size_t inputs_count);
typedef hailo_status (*hailo_release_output_vstreams_fn)(const hailo_output_vstream *output_vstreams, size_t outputs_count);

#endif
