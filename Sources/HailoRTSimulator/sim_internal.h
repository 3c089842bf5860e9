// Private declarations of the HailoRT 4.23 simulator (libHailoRTSimulator.so).
// Only the hailo_* functions declared in CHailoRT.h are exported; everything here is hidden.
#ifndef HAILORT_SIM_INTERNAL_H
#define HAILORT_SIM_INTERNAL_H

// POSIX and GNU declarations (flock, strtok_r, CLOCK_MONOTONIC...) whatever -std the build uses.
// Every source file includes this header first.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include "CHailoRT.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SIM_HIDDEN __attribute__((visibility("hidden")))
#define SIM_EXPORT __attribute__((visibility("default")))

// Checks that an exported function has exactly the type of CHailoRT.h's typedef.
#define SIM_CHECK_TYPE(fn) \
    _Static_assert(__builtin_types_compatible_p(__typeof__(&fn), fn##_fn), #fn " does not match " #fn "_fn")

// hailo_status values used by the simulator.
enum {
    ST_SUCCESS = 0,
    ST_INVALID_ARGUMENT = 2,
    ST_OUT_OF_HOST_MEMORY = 3,
    ST_TIMEOUT = 4,
    ST_INSUFFICIENT_BUFFER = 5,
    ST_INVALID_OPERATION = 6,
    ST_NOT_IMPLEMENTED = 7,
    ST_INTERNAL_FAILURE = 8,
    ST_OPEN_FILE_FAILURE = 13,
    ST_INVALID_HEF = 26,
    ST_DRIVER_OPERATION_FAILED = 36,
    ST_NOT_FOUND = 61,
    ST_STREAM_ABORT = 63,
    ST_NETWORK_GROUP_NOT_ACTIVATED = 69,
    ST_DEVICE_IN_USE = 73,
    ST_OUT_OF_PHYSICAL_DEVICES = 74,
    ST_INVALID_DRIVER_VERSION = 76,
    ST_RPC_FAILED = 77,
    ST_INVALID_SERVICE_VERSION = 78,
    ST_NOT_SUPPORTED = 79,
    ST_HEF_FILE_CORRUPTED = 91,
    ST_HEF_NOT_SUPPORTED = 92,
    ST_HEF_NOT_COMPATIBLE_WITH_DEVICE = 93,
    ST_STATUS_COUNT = 94,
};

enum { FMT_AUTO = 0, FMT_UINT8 = 1, FMT_UINT16 = 2, FMT_FLOAT32 = 3 };
enum { ORDER_AUTO = 0, ORDER_NHWC = 1, ORDER_NC = 6, ORDER_NMS_BY_CLASS = 22, ORDER_NMS_BY_SCORE = 23 };
enum { DIR_H2D = 0, DIR_D2H = 1 };
// ProtoHEFHwArch: the chip a HEF was compiled for. SIM_NO_ARCH while a program without an
// `arch` line is read.
enum { HW_ARCH_HAILO8 = 0, HW_ARCH_HAILO8P = 1, HW_ARCH_HAILO8R = 2, HW_ARCH_HAILO8L = 3, HW_ARCH_HAILO15H = 103 };
#define SIM_NO_ARCH (-1)

#define SIM_MAX_DEVICES 64
#define SIM_MAX_LAYERS HAILO_MAX_STREAMS_COUNT
#define SIM_MAX_NOTIFICATION_ID 32
#define SIM_INFINITE 0xFFFFFFFFu

// ---- configuration (environment, read once at load) ------------------------------------------
typedef struct {
    int device_count;
    hailo_version_t library_version;
    bool abi_v4_20;         /* library_version 4.20.x: its layouts and statuses */
    bool device_8l;         /* HAILO_SIM_ARCH=hailo8l: the boards are Hailo-8L */
    bool driver_mismatch;
    bool no_device_node;
    bool service_present;   /* HAILO_SIM_SERVICE_VERSION set: a hailort_service of that version runs */
    hailo_version_t service_version;
    char device_node[512];  /* HAILO_SIM_DEVICE_NODE: opened like libhailort opens /dev/hailoN */
    char state_dir[512];
    float temperature;
    bool throttling;
    bool power_set;
    float power_watts;
    long alarm_ms;            // < 0: no simulated temperature alarm
    double default_fps;
} sim_config_t;

SIM_HIDDEN extern sim_config_t g_sim;
/* A status as the simulated version reports it: 4.20 has no 91-93 and answers 26 for each. */
SIM_HIDDEN hailo_status sim_version_status(hailo_status status);
SIM_HIDDEN void sim_init_once(void);

// ---- HEF ---------------------------------------------------------------------------------------
enum { LAYER_INPUT = 0, LAYER_OUTPUT = 1, LAYER_NMS = 2 };

typedef struct {
    char name[HAILO_MAX_STREAM_NAME_SIZE];
    int kind;
    uint32_t height, width, features;         // INPUT / OUTPUT
    uint32_t classes, max_per_class;          // NMS
    float zp, scale;                          // OUTPUT
    bool per_channel;                         // OUTPUT
} sim_layer_t;

typedef struct {
    char name[HAILO_MAX_STREAM_NAME_SIZE];
    int hw_arch;   // ProtoHEFHwArch: the container's header's, else the `arch` line's
    double fps;
    int n_inputs, n_outputs;
    sim_layer_t inputs[SIM_MAX_LAYERS];
    sim_layer_t outputs[SIM_MAX_LAYERS];
} sim_model_t;

#define SIM_MAGIC_HEF 0x48454653u
#define SIM_MAGIC_DEV 0x44455653u
#define SIM_MAGIC_VDEV 0x56444556u
#define SIM_MAGIC_NG 0x4e475253u
#define SIM_MAGIC_VS 0x56535452u

struct _hailo_hef {
    uint32_t magic;
    sim_model_t model;   // layers in file order
};

SIM_HIDDEN hailo_status sim_parse_hef(const char *text, size_t len, sim_model_t *out);
#define SIM_HEF_CONTAINER_MAGIC 0x01484546u  // 01 'H' 'E' 'F', big-endian
SIM_HIDDEN bool sim_is_container(const void *bytes, size_t len);
/* The program inside a HEF container and the chip its header names; 0 or a status (4.21+'s). */
SIM_HIDDEN hailo_status sim_open_container(const uint8_t *bytes, size_t len, const char **program, size_t *program_len,
                                           int *hw_arch);
SIM_HIDDEN void sim_layer_vstream_info(const sim_model_t *m, const sim_layer_t *l, hailo_vstream_info_t *info);
SIM_HIDDEN size_t sim_layer_device_frame_size(const sim_layer_t *l);

// ---- devices -----------------------------------------------------------------------------------
struct _hailo_device {
    uint32_t magic;
    int index;
    bool owned_by_vdevice;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool alarm_started;
    bool alarm_cancel;
    pthread_t alarm_thread;
    hailo_notification_callback callbacks[SIM_MAX_NOTIFICATION_ID];
    void *opaques[SIM_MAX_NOTIFICATION_ID];
};

SIM_HIDDEN void sim_device_id_string(int index, char out[HAILO_MAX_DEVICE_ID_LENGTH]);
SIM_HIDDEN int sim_find_device(const char *id);
SIM_HIDDEN struct _hailo_device *sim_device_new(int index, bool owned_by_vdevice);
SIM_HIDDEN void sim_device_free(struct _hailo_device *dev);
SIM_HIDDEN hailo_status sim_driver_check(void);

// ---- vdevice, network groups, vstreams ---------------------------------------------------------
typedef struct sim_vstream sim_vstream_t;

struct _hailo_configured_network_group {
    uint32_t magic;
    struct _hailo_vdevice *vd;
    sim_model_t model;           // layers sorted by name
    uint16_t batch_size;
    uint32_t scheduler_timeout_ms;
    uint32_t scheduler_threshold;
    uint8_t scheduler_priority;
    bool shutdown;
    sim_vstream_t *inputs[SIM_MAX_LAYERS];
    sim_vstream_t *outputs[SIM_MAX_LAYERS];
    uint64_t frames_done;
    struct _hailo_configured_network_group *next;
};

struct _hailo_vdevice {
    uint32_t magic;
    pthread_mutex_t mu;
    pthread_cond_t cv;           // broadcast on every state change
    int device_count;
    int device_index[SIM_MAX_DEVICES];
    int lock_fd[SIM_MAX_DEVICES];
    bool service;                /* opened through the (simulated) multi-process service */
    struct _hailo_device *devices[SIM_MAX_DEVICES];
    uint32_t scheduling_algorithm;
    pthread_t scheduler;
    bool scheduler_started;
    bool stop;
    hailo_status fault;          // sticky injected write/read fault (0 = none)
    struct _hailo_configured_network_group *groups;
    int group_count;
    int rr_cursor;
};

SIM_HIDDEN hailo_status sim_scheduler_start(struct _hailo_vdevice *vd);
SIM_HIDDEN void sim_vdevice_teardown_groups(struct _hailo_vdevice *vd);

// ---- faults ------------------------------------------------------------------------------------
enum { FAULT_CREATE_VDEVICE = 0, FAULT_CONFIGURE = 1, FAULT_WRITE = 2, FAULT_READ = 3, FAULT_POINTS = 4 };
SIM_HIDDEN void sim_faults_parse(const char *spec);
// Returns the status to fail this call with (0: proceed). Fires at most once per configured fault.
SIM_HIDDEN hailo_status sim_fault_check(int point);
SIM_HIDDEN void sim_fault_count_success(int point);

// ---- time helpers ------------------------------------------------------------------------------
SIM_HIDDEN void sim_cond_init(pthread_cond_t *cv);
// Absolute deadline `ms` from now, on the clock the condition variables use.
SIM_HIDDEN struct timespec sim_deadline_ms(double ms);
// Waits on cv until the deadline; `infinite` ignores the deadline. Returns ETIMEDOUT or 0.
SIM_HIDDEN int sim_cond_wait_until(pthread_cond_t *cv, pthread_mutex_t *mu, const struct timespec *deadline, bool infinite);

#endif
