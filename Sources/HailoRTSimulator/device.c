// Simulated Hailo-8 boards: scan, standalone device handles, identify, health, notifications.
#include "sim_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

SIM_HIDDEN void sim_device_id_string(int index, char out[HAILO_MAX_DEVICE_ID_LENGTH]) {
    snprintf(out, HAILO_MAX_DEVICE_ID_LENGTH, "%04x:%02x:%02x.%d", 0, index + 1, 0, 0);
}

// Accepts the full BDF ("0000:01:00.0") and the short form without the domain ("01:00.0").
SIM_HIDDEN int sim_find_device(const char *id) {
    char full[HAILO_MAX_DEVICE_ID_LENGTH];
    for (int i = 0; i < g_sim.device_count; i++) {
        sim_device_id_string(i, full);
        if (strcmp(id, full) == 0 || strcmp(id, full + 5) == 0) {
            return i;
        }
    }
    return -1;
}

SIM_HIDDEN hailo_status sim_driver_check(void) {
    if (g_sim.no_device_node) return ST_DRIVER_OPERATION_FAILED;
    /* The real library opens /dev/hailoN read-write: a missing node or one this user may not
       open fails the same way. */
    if (g_sim.device_node[0] != '\0') {
        int fd = open(g_sim.device_node, O_RDWR | O_CLOEXEC);
        if (fd < 0) return ST_DRIVER_OPERATION_FAILED;
        close(fd);
    }
    if (g_sim.driver_mismatch) return ST_INVALID_DRIVER_VERSION;
    return ST_SUCCESS;
}

SIM_HIDDEN struct _hailo_device *sim_device_new(int index, bool owned_by_vdevice) {
    struct _hailo_device *d = calloc(1, sizeof *d);
    if (d == NULL) return NULL;
    d->magic = SIM_MAGIC_DEV;
    d->index = index;
    d->owned_by_vdevice = owned_by_vdevice;
    pthread_mutex_init(&d->mu, NULL);
    sim_cond_init(&d->cv);
    return d;
}

SIM_HIDDEN void sim_device_free(struct _hailo_device *d) {
    if (d == NULL) return;
    pthread_mutex_lock(&d->mu);
    bool started = d->alarm_started;
    d->alarm_cancel = true;
    pthread_cond_broadcast(&d->cv);
    pthread_mutex_unlock(&d->mu);
    if (started) {
        if (pthread_equal(d->alarm_thread, pthread_self())) {
            // Released from inside its own notification callback: the thread must not join
            // itself, and it still uses the handle after the callback, so leak it deliberately.
            pthread_detach(d->alarm_thread);
            d->magic = 0;
            return;
        }
        pthread_join(d->alarm_thread, NULL);
    }
    pthread_cond_destroy(&d->cv);
    pthread_mutex_destroy(&d->mu);
    d->magic = 0;
    free(d);
}

static bool device_ok(hailo_device d) { return d != NULL && d->magic == SIM_MAGIC_DEV; }

// ---- exported ----------------------------------------------------------------------------------
SIM_EXPORT hailo_status hailo_scan_devices(void *params, hailo_device_id_t *device_ids, size_t *device_ids_length) {
    sim_init_once();
    if (params != NULL || device_ids_length == NULL) return ST_INVALID_ARGUMENT;
    size_t n = (size_t)g_sim.device_count;
    if (*device_ids_length < n || (n > 0 && device_ids == NULL)) {
        *device_ids_length = n;
        return ST_INSUFFICIENT_BUFFER;
    }
    for (size_t i = 0; i < n; i++) {
        memset(&device_ids[i], 0, sizeof device_ids[i]);
        sim_device_id_string((int)i, device_ids[i].id);
    }
    *device_ids_length = n;
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_scan_devices);

SIM_EXPORT hailo_status hailo_create_device_by_id(const hailo_device_id_t *device_id, hailo_device *device) {
    sim_init_once();
    if (device == NULL) return ST_INVALID_ARGUMENT;
    int index = 0;
    if (device_id == NULL) {
        if (g_sim.device_count == 0) return ST_OUT_OF_PHYSICAL_DEVICES;
    } else {
        char id[HAILO_MAX_DEVICE_ID_LENGTH + 1];
        memcpy(id, device_id->id, HAILO_MAX_DEVICE_ID_LENGTH);
        id[HAILO_MAX_DEVICE_ID_LENGTH] = '\0';
        index = sim_find_device(id);
        if (index < 0) return ST_INVALID_ARGUMENT;
    }
    hailo_status st = sim_driver_check();
    if (st != ST_SUCCESS) return st;
    struct _hailo_device *d = sim_device_new(index, false);
    if (d == NULL) return ST_OUT_OF_HOST_MEMORY;
    *device = d;
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_create_device_by_id);

SIM_EXPORT hailo_status hailo_release_device(hailo_device device) {
    if (!device_ok(device)) return ST_INVALID_ARGUMENT;
    if (device->owned_by_vdevice) return ST_INVALID_OPERATION;  // freed by hailo_release_vdevice
    sim_device_free(device);
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_release_device);

SIM_EXPORT hailo_status hailo_get_device_id(hailo_device device, hailo_device_id_t *id) {
    if (!device_ok(device) || id == NULL) return ST_INVALID_ARGUMENT;
    memset(id, 0, sizeof *id);
    sim_device_id_string(device->index, id->id);
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_get_device_id);

static uint8_t set_string(char *dst, size_t cap, const char *src) {
    size_t n = strlen(src);
    if (n > cap) n = cap;
    memset(dst, 0, cap);
    memcpy(dst, src, n);  // not NUL-terminated when it fills the field, as on real boards
    return (uint8_t)n;
}

SIM_EXPORT hailo_status hailo_identify(hailo_device device, hailo_device_identity_t *identity) {
    if (!device_ok(device) || identity == NULL) return ST_INVALID_ARGUMENT;
    memset(identity, 0, sizeof *identity);
    identity->protocol_version = 2;
    identity->fw_version = (hailo_firmware_version_t){g_sim.library_version.major, g_sim.library_version.minor,
                                                      g_sim.library_version.revision};
    identity->logger_version = 0;
    identity->board_name_length =
        set_string(identity->board_name, sizeof identity->board_name, g_sim.device_8l ? "Hailo-8L" : "Hailo-8");
    identity->is_release = true;
    identity->extended_context_switch_buffer = false;
    identity->device_architecture = g_sim.device_8l ? 2 : 1;  // HAILO_ARCH_HAILO8L / HAILO_ARCH_HAILO8
    char serial[32];
    snprintf(serial, sizeof serial, "HLLWM2A22%04d", (device->index + 1) % 10000);
    identity->serial_number_length = set_string(identity->serial_number, sizeof identity->serial_number, serial);
    identity->part_number_length = set_string(identity->part_number, sizeof identity->part_number, "HM218B1C2FAE");
    identity->product_name_length =
        set_string(identity->product_name, sizeof identity->product_name, "HAILO-8 AI ACC M.2 M KEY MODULE EXT TEMP");
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_identify);

SIM_EXPORT hailo_status hailo_get_extended_device_information(hailo_device device, hailo_extended_device_information_t *info) {
    if (!device_ok(device) || info == NULL) return ST_INVALID_ARGUMENT;
    // 4.20's struct has no gpio_mask: it writes 92 bytes, not 96.
    memset(info, 0, g_sim.abi_v4_20 ? sizeof(hailo_extended_device_information_v4_20_t) : sizeof *info);
    info->neural_network_core_clock_rate = 400000000u;
    info->supported_features = (hailo_device_supported_features_t){false, false, true, false, false};
    info->boot_source = 1;  // PCIE
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_get_extended_device_information);

SIM_EXPORT hailo_status hailo_get_chip_temperature(hailo_device device, hailo_chip_temperature_info_t *temp_info) {
    if (!device_ok(device) || temp_info == NULL) return ST_INVALID_ARGUMENT;
    memset(temp_info, 0, sizeof *temp_info);
    temp_info->ts0_temperature = g_sim.temperature;
    temp_info->ts1_temperature = g_sim.temperature + 1.25f;
    temp_info->sample_count = 1;
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_get_chip_temperature);

SIM_EXPORT hailo_status hailo_get_throttling_state(hailo_device device, bool *is_active) {
    if (!device_ok(device) || is_active == NULL) return ST_INVALID_ARGUMENT;
    *is_active = g_sim.throttling;
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_get_throttling_state);

SIM_EXPORT hailo_status hailo_power_measurement(hailo_device device, hailo_dvm_options_t dvm,
                                                hailo_power_measurement_types_t type, float32_t *measurement) {
    (void)dvm;
    (void)type;
    if (!device_ok(device) || measurement == NULL) return ST_INVALID_ARGUMENT;
    if (!g_sim.power_set) return ST_NOT_SUPPORTED;  // M.2 boards have no power sensor
    *measurement = g_sim.power_watts;
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_power_measurement);

static void *alarm_thread_main(void *arg) {
    struct _hailo_device *d = arg;
    pthread_mutex_lock(&d->mu);
    struct timespec deadline = sim_deadline_ms((double)g_sim.alarm_ms);
    while (!d->alarm_cancel) {
        if (sim_cond_wait_until(&d->cv, &d->mu, &deadline, false) == ETIMEDOUT) break;
    }
    hailo_notification_callback cb = d->alarm_cancel ? NULL : d->callbacks[1];
    void *opaque = d->opaques[1];
    pthread_mutex_unlock(&d->mu);
    if (cb != NULL) {
        hailo_notification_t n;
        memset(&n, 0, sizeof n);
        n.id = 1;
        n.sequence = 1;
        cb(d, &n, opaque);
    }
    return NULL;
}

SIM_EXPORT hailo_status hailo_set_notification_callback(hailo_device device, hailo_notification_callback callback,
                                                        hailo_notification_id_t id, void *opaque) {
    if (!device_ok(device) || callback == NULL || id >= SIM_MAX_NOTIFICATION_ID) return ST_INVALID_ARGUMENT;
    hailo_status st = ST_SUCCESS;
    pthread_mutex_lock(&device->mu);
    device->callbacks[id] = callback;
    device->opaques[id] = opaque;
    if (id == 1 && g_sim.alarm_ms >= 0 && !device->alarm_started) {
        if (pthread_create(&device->alarm_thread, NULL, alarm_thread_main, device) == 0) {
            device->alarm_started = true;
        } else {
            st = ST_INTERNAL_FAILURE;
        }
    }
    pthread_mutex_unlock(&device->mu);
    return st;
}
SIM_CHECK_TYPE(hailo_set_notification_callback);
