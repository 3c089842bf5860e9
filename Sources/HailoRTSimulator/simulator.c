// HailoRT 4.20-4.23 simulator: configuration from the environment, versions, status names, time helpers.
#define _GNU_SOURCE
#include "sim_internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

SIM_HIDDEN sim_config_t g_sim;

static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static bool parse_version(const char *s, hailo_version_t *v) {
    unsigned a, b, c;
    char extra;
    if (s == NULL || sscanf(s, "%u.%u.%u%c", &a, &b, &c, &extra) != 3) {
        return false;
    }
    v->major = a;
    v->minor = b;
    v->revision = c;
    return true;
}

static bool env_float(const char *name, double *out) {
    const char *s = getenv(name);
    if (s == NULL || *s == '\0') {
        return false;
    }
    char *end = NULL;
    double d = strtod(s, &end);
    if (end == s) {
        return false;
    }
    *out = d;
    return true;
}

static void load_config(void) {
    memset(&g_sim, 0, sizeof g_sim);

    g_sim.device_count = 1;
    const char *s = getenv("HAILO_SIM_DEVICES");
    if (s != NULL && *s != '\0') {
        long n = strtol(s, NULL, 10);
        if (n < 0) n = 0;
        if (n > SIM_MAX_DEVICES) n = SIM_MAX_DEVICES;
        g_sim.device_count = (int)n;
    }

    // The version: HAILO_SIM_LIBRARY_VERSION, else the file name it was loaded as
    // (libhailort.so.4.21.0, like the real libraries' names), else 4.23.0.
    g_sim.library_version = (hailo_version_t){4, 23, 0};
    const char *lib = getenv("HAILO_SIM_LIBRARY_VERSION");
    Dl_info self;
    if (lib != NULL && *lib != '\0') {
        parse_version(lib, &g_sim.library_version);
    } else if (dladdr((void *)&parse_version, &self) != 0 && self.dli_fname != NULL) {
        const char *base = strrchr(self.dli_fname, '/');
        base = base != NULL ? base + 1 : self.dli_fname;
        if (strncmp(base, "libhailort.so.", 14) == 0) parse_version(base + 14, &g_sim.library_version);
    }
    g_sim.abi_v4_20 = g_sim.library_version.major == 4 && g_sim.library_version.minor == 20;
    const char *drv = getenv("HAILO_SIM_DRIVER_VERSION");
    if (drv != NULL && *drv != '\0') {
        hailo_version_t dv;
        if (!parse_version(drv, &dv)) {
            g_sim.driver_mismatch = true;
        } else {
            g_sim.driver_mismatch = dv.major != g_sim.library_version.major ||
                                    dv.minor != g_sim.library_version.minor ||
                                    dv.revision != g_sim.library_version.revision;
        }
    }
    s = getenv("HAILO_SIM_NO_DEVICE_NODE");
    g_sim.no_device_node = s != NULL && strcmp(s, "1") == 0;
    s = getenv("HAILO_SIM_DEVICE_NODE");
    snprintf(g_sim.device_node, sizeof g_sim.device_node, "%s", s != NULL ? s : "");

    s = getenv("HAILO_SIM_SERVICE_VERSION");
    g_sim.service_present = s != NULL && *s != '\0' && parse_version(s, &g_sim.service_version);

    s = getenv("HAILO_SIM_ARCH");
    g_sim.device_8l = s != NULL && strcmp(s, "hailo8l") == 0;

    s = getenv("HAILO_SIM_STATE_DIR");
    snprintf(g_sim.state_dir, sizeof g_sim.state_dir, "%s", (s != NULL && *s != '\0') ? s : "/tmp");

    double d;
    g_sim.temperature = env_float("HAILO_SIM_TEMPERATURE", &d) ? (float)d : 47.5f;
    s = getenv("HAILO_SIM_THROTTLING");
    g_sim.throttling = s != NULL && strcmp(s, "1") == 0;
    if (env_float("HAILO_SIM_POWER_WATTS", &d)) {
        g_sim.power_set = true;
        g_sim.power_watts = (float)d;
    }
    g_sim.alarm_ms = -1;
    if (env_float("HAILO_SIM_TEMPERATURE_ALARM_MS", &d) && d >= 0) {
        g_sim.alarm_ms = (long)d;
    }
    g_sim.default_fps = (env_float("HAILO_SIM_FPS", &d) && d > 0) ? d : 0.0;

    sim_faults_parse(getenv("HAILO_SIM_FAULTS"));
}

SIM_HIDDEN void sim_init_once(void) { pthread_once(&g_once, load_config); }

__attribute__((constructor)) static void sim_library_load(void) { sim_init_once(); }

// ---- time helpers ------------------------------------------------------------------------------
// Condition variables wait on CLOCK_MONOTONIC where pthreads allows choosing the clock (not on
// Apple platforms, which only have the realtime clock for timed waits).
#if defined(__APPLE__)
#define SIM_COND_MONOTONIC 0
#else
#define SIM_COND_MONOTONIC 1
#endif

SIM_HIDDEN void sim_cond_init(pthread_cond_t *cv) {
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
#if SIM_COND_MONOTONIC
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
#endif
    pthread_cond_init(cv, &attr);
    pthread_condattr_destroy(&attr);
}

SIM_HIDDEN struct timespec sim_deadline_ms(double ms) {
    struct timespec ts;
    clock_gettime(SIM_COND_MONOTONIC ? CLOCK_MONOTONIC : CLOCK_REALTIME, &ts);
    if (ms < 0) ms = 0;
    long long ns = (long long)(ms * 1e6);
    ts.tv_sec += (time_t)(ns / 1000000000LL);
    ts.tv_nsec += (long)(ns % 1000000000LL);
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec += 1;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

SIM_HIDDEN int sim_cond_wait_until(pthread_cond_t *cv, pthread_mutex_t *mu, const struct timespec *deadline, bool infinite) {
    if (infinite) {
        pthread_cond_wait(cv, mu);
        return 0;
    }
    int rc = pthread_cond_timedwait(cv, mu, deadline);
    return rc == ETIMEDOUT ? ETIMEDOUT : 0;
}

// ---- exported: versions and status names ---------------------------------------------------------
SIM_EXPORT hailo_status hailo_get_library_version(hailo_version_t *version) {
    sim_init_once();
    if (version == NULL) {
        return ST_INVALID_ARGUMENT;
    }
    *version = g_sim.library_version;
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_get_library_version);

static const char *const g_status_names[] = {
    "HAILO_SUCCESS", "HAILO_UNINITIALIZED", "HAILO_INVALID_ARGUMENT", "HAILO_OUT_OF_HOST_MEMORY",
    "HAILO_TIMEOUT", "HAILO_INSUFFICIENT_BUFFER", "HAILO_INVALID_OPERATION", "HAILO_NOT_IMPLEMENTED",
    "HAILO_INTERNAL_FAILURE", "HAILO_DATA_ALIGNMENT_FAILURE", "HAILO_CHUNK_TOO_LARGE",
    "HAILO_INVALID_LOGGER_LEVEL", "HAILO_CLOSE_FAILURE", "HAILO_OPEN_FILE_FAILURE",
    "HAILO_FILE_OPERATION_FAILURE", "HAILO_UNSUPPORTED_CONTROL_PROTOCOL_VERSION",
    "HAILO_UNSUPPORTED_FW_VERSION", "HAILO_INVALID_CONTROL_RESPONSE", "HAILO_FW_CONTROL_FAILURE",
    "HAILO_ETH_FAILURE", "HAILO_ETH_INTERFACE_NOT_FOUND", "HAILO_ETH_RECV_FAILURE",
    "HAILO_ETH_SEND_FAILURE", "HAILO_INVALID_FIRMWARE", "HAILO_INVALID_CONTEXT_COUNT",
    "HAILO_INVALID_FRAME", "HAILO_INVALID_HEF", "HAILO_PCIE_NOT_SUPPORTED_ON_PLATFORM",
    "HAILO_INTERRUPTED_BY_SIGNAL", "HAILO_START_VDMA_CHANNEL_FAIL", "HAILO_SYNC_VDMA_BUFFER_FAIL",
    "HAILO_STOP_VDMA_CHANNEL_FAIL", "HAILO_CLOSE_VDMA_CHANNEL_FAIL",
    "HAILO_ATR_TABLES_CONF_VALIDATION_FAIL", "HAILO_EVENT_CREATE_FAIL", "HAILO_READ_EVENT_FAIL",
    "HAILO_DRIVER_OPERATION_FAILED", "HAILO_INVALID_FIRMWARE_MAGIC", "HAILO_INVALID_FIRMWARE_CODE_SIZE",
    "HAILO_INVALID_KEY_CERTIFICATE_SIZE", "HAILO_INVALID_CONTENT_CERTIFICATE_SIZE",
    "HAILO_MISMATCHING_FIRMWARE_BUFFER_SIZES", "HAILO_INVALID_FIRMWARE_CPU_ID",
    "HAILO_CONTROL_RESPONSE_MD5_MISMATCH", "HAILO_GET_CONTROL_RESPONSE_FAIL",
    "HAILO_GET_D2H_EVENT_MESSAGE_FAIL", "HAILO_MUTEX_INIT_FAIL", "HAILO_OUT_OF_DESCRIPTORS",
    "HAILO_UNSUPPORTED_OPCODE", "HAILO_USER_MODE_RATE_LIMITER_NOT_SUPPORTED",
    "HAILO_RATE_LIMIT_MAXIMUM_BANDWIDTH_EXCEEDED", "HAILO_ANSI_TO_UTF16_CONVERSION_FAILED",
    "HAILO_UTF16_TO_ANSI_CONVERSION_FAILED", "HAILO_UNEXPECTED_INTERFACE_INFO_FAILURE",
    "HAILO_UNEXPECTED_ARP_TABLE_FAILURE", "HAILO_MAC_ADDRESS_NOT_FOUND", "HAILO_NO_IPV4_INTERFACES_FOUND",
    "HAILO_SHUTDOWN_EVENT_SIGNALED", "HAILO_THREAD_ALREADY_ACTIVATED", "HAILO_THREAD_NOT_ACTIVATED",
    "HAILO_THREAD_NOT_JOINABLE", "HAILO_NOT_FOUND", "HAILO_COMMUNICATION_CLOSED", "HAILO_STREAM_ABORT",
    "HAILO_DRIVER_NOT_INSTALLED", "HAILO_NOT_AVAILABLE", "HAILO_TRAFFIC_CONTROL_FAILURE",
    "HAILO_INVALID_SECOND_STAGE", "HAILO_INVALID_PIPELINE", "HAILO_NETWORK_GROUP_NOT_ACTIVATED",
    "HAILO_VSTREAM_PIPELINE_NOT_ACTIVATED", "HAILO_OUT_OF_FW_MEMORY", "HAILO_STREAM_NOT_ACTIVATED",
    "HAILO_DEVICE_IN_USE", "HAILO_OUT_OF_PHYSICAL_DEVICES", "HAILO_INVALID_DEVICE_ARCHITECTURE",
    "HAILO_INVALID_DRIVER_VERSION", "HAILO_RPC_FAILED", "HAILO_INVALID_SERVICE_VERSION",
    "HAILO_NOT_SUPPORTED", "HAILO_NMS_BURST_INVALID_DATA", "HAILO_OUT_OF_HOST_CMA_MEMORY",
    "HAILO_QUEUE_IS_FULL", "HAILO_DMA_MAPPING_ALREADY_EXISTS", "HAILO_CANT_MEET_BUFFER_REQUIREMENTS",
    "HAILO_DRIVER_INVALID_RESPONSE", "HAILO_DRIVER_INVALID_IOCTL", "HAILO_DRIVER_TIMEOUT",
    "HAILO_DRIVER_INTERRUPTED", "HAILO_CONNECTION_REFUSED", "HAILO_DRIVER_WAIT_CANCELED",
    "HAILO_HEF_FILE_CORRUPTED", "HAILO_HEF_NOT_SUPPORTED", "HAILO_HEF_NOT_COMPATIBLE_WITH_DEVICE",
};
_Static_assert(sizeof g_status_names / sizeof g_status_names[0] == ST_STATUS_COUNT, "status table size");

SIM_HIDDEN hailo_status sim_version_status(hailo_status status) {
    if (g_sim.abi_v4_20 && status >= ST_HEF_FILE_CORRUPTED && status <= ST_HEF_NOT_COMPATIBLE_WITH_DEVICE) {
        return ST_INVALID_HEF;
    }
    return status;
}

SIM_EXPORT const char *hailo_get_status_message(hailo_status status) {
    sim_init_once();
    if (status >= (g_sim.abi_v4_20 ? ST_HEF_FILE_CORRUPTED : ST_STATUS_COUNT)) {
        return NULL;
    }
    return g_status_names[status];
}
SIM_CHECK_TYPE(hailo_get_status_message);
