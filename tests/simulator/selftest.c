// Self-test of the HailoRT 4.23 simulator (libHailoRTSimulator.so).
//
// Usage: selftest LIBRARY HEF_DIR
//
// The library is loaded exactly as a client loads libhailort: dlopen(RTLD_NOW | RTLD_LOCAL) and
// dlsym() of every symbol, cast to CHailoRT.h's function-pointer types. The simulator reads its
// environment once at load, so every scenario runs in a fresh process (this program re-executed
// with "--scenario NAME" and the scenario's HAILO_SIM_* variables). The last line printed is
// "N passed, M failed"; the exit status is 0 only when nothing failed.
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include "CHailoRT.h"

#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// ---- symbols -------------------------------------------------------------------------------------
#define SYMBOLS(X)                                                                                       \
    X(hailo_get_library_version) X(hailo_get_status_message) X(hailo_scan_devices)                      \
    X(hailo_create_device_by_id) X(hailo_release_device) X(hailo_get_device_id) X(hailo_identify)        \
    X(hailo_get_extended_device_information) X(hailo_get_chip_temperature) X(hailo_get_throttling_state) \
    X(hailo_power_measurement) X(hailo_set_notification_callback) X(hailo_init_vdevice_params)           \
    X(hailo_create_vdevice) X(hailo_configure_vdevice) X(hailo_get_physical_devices)                     \
    X(hailo_release_vdevice) X(hailo_create_hef_file) X(hailo_create_hef_buffer) X(hailo_release_hef)    \
    X(hailo_get_network_groups_infos) X(hailo_hef_get_all_vstream_infos)                                 \
    X(hailo_init_configure_params_by_vdevice) X(hailo_set_scheduler_timeout)                             \
    X(hailo_set_scheduler_threshold) X(hailo_set_scheduler_priority) X(hailo_shutdown_network_group)     \
    X(hailo_make_input_vstream_params) X(hailo_make_output_vstream_params) X(hailo_create_input_vstreams) \
    X(hailo_create_output_vstreams) X(hailo_get_input_vstream_frame_size)                                \
    X(hailo_get_output_vstream_frame_size) X(hailo_get_input_vstream_info) X(hailo_get_output_vstream_info) \
    X(hailo_get_output_vstream_quant_infos) X(hailo_vstream_write_raw_buffer)                            \
    X(hailo_vstream_read_raw_buffer) X(hailo_vstream_set_nms_score_threshold)                            \
    X(hailo_vstream_set_nms_iou_threshold) X(hailo_vstream_set_nms_max_proposals_per_class)              \
    X(hailo_release_input_vstreams) X(hailo_release_output_vstreams)

#define DECLARE(name) static name##_fn name;
SYMBOLS(DECLARE)
#undef DECLARE

// ---- checks --------------------------------------------------------------------------------------
static int g_passed, g_failed;
static const char *g_scenario = "?";
static const char *g_self, *g_lib, *g_hefdir;

static void check_at(bool ok, int line, const char *fmt, ...) {
    if (ok) {
        __atomic_add_fetch(&g_passed, 1, __ATOMIC_SEQ_CST);
        return;
    }
    __atomic_add_fetch(&g_failed, 1, __ATOMIC_SEQ_CST);
    va_list ap;
    va_start(ap, fmt);
    fprintf(stdout, "FAIL [%s] selftest.c:%d: ", g_scenario, line);
    vfprintf(stdout, fmt, ap);
    fputc('\n', stdout);
    fflush(stdout);
    va_end(ap);
}
#define CHECK(cond, ...) check_at((cond), __LINE__, __VA_ARGS__)
#define CHECK_ST(expr, want)                                                                        \
    do {                                                                                            \
        hailo_status st_ = (expr);                                                                  \
        check_at(st_ == (hailo_status)(want), __LINE__, "%s = %u, want %u", #expr, st_, (unsigned)(want)); \
    } while (0)

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static char *hef_path(const char *name) {
    static _Thread_local char buf[4][4096];
    static _Thread_local int next;
    char *p = buf[next++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", g_hefdir, name);
    return p;
}

static bool load_library(void) {
    void *lib = dlopen(g_lib, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        CHECK(false, "dlopen(%s): %s", g_lib, dlerror());
        return false;
    }
    bool ok = true;
#define RESOLVE(name)                                            \
    name = (name##_fn)dlsym(lib, #name);                         \
    if (name == NULL) {                                          \
        CHECK(false, "dlsym(%s) failed", #name);                 \
        ok = false;                                              \
    }
    SYMBOLS(RESOLVE)
#undef RESOLVE
    CHECK(ok, "all symbols resolved");
    return ok;
}

// ---- deterministic frames and the expected results ------------------------------------------------
static void fill_frame(uint8_t *buf, size_t len, unsigned k) {
    for (size_t i = 0; i < len; i++) buf[i] = (uint8_t)((i * 31u + k * 17u + (i >> 8)) & 0xFFu);
}

static void put_f32(uint8_t *dst, float v) { memcpy(dst, &v, 4); }

// The simulator's documented NMS_BY_CLASS result for input frame `in`.
static void expected_nms(const uint8_t *in, size_t len, uint32_t classes, uint32_t max_per_class, float threshold,
                         uint32_t max_proposals, uint8_t *out, size_t out_size) {
    memset(out, 0, out_size);
    uint64_t sum = 0;
    for (size_t i = 0; i < len; i++) sum += in[i];
    uint32_t s = (uint32_t)(sum % classes);
    uint32_t count = 1u + in[0] % 3u;
    if (count > max_per_class) count = max_per_class;
    if (count > max_proposals) count = max_proposals;
    uint8_t *p = out;
    for (uint32_t c = 0; c < classes; c++) {
        if (c != s) {
            put_f32(p, 0.0f);
            p += 4;
            continue;
        }
        uint8_t *count_at = p;
        p += 4;
        uint32_t kept = 0;
        for (uint32_t j = 0; j < count; j++) {
            float score = (float)(0.90 - 0.10 * j);
            if (score < threshold) continue;
            put_f32(p, (float)(0.10 + 0.10 * j));
            put_f32(p + 4, 0.20f);
            put_f32(p + 8, (float)(0.50 + 0.10 * j));
            put_f32(p + 12, (float)(0.60 + 0.05 * j));
            put_f32(p + 16, score);
            p += 20;
            kept++;
        }
        put_f32(count_at, (float)kept);
    }
}

// ---- a configured model with its vstreams -------------------------------------------------------
typedef struct {
    hailo_hef hef;
    hailo_configured_network_group ng;
    size_t n_in, n_out;
    hailo_input_vstream in[8];
    hailo_output_vstream out[8];
    size_t in_size[8], out_size[8];
} model_t;

static bool open_model(hailo_vdevice vd, const char *file, hailo_format_type_t out_type, uint32_t timeout_ms,
                       uint32_t queue_size, model_t *m) {
    memset(m, 0, sizeof *m);
    hailo_status st = hailo_create_hef_file(&m->hef, hef_path(file));
    CHECK(st == 0, "create_hef_file(%s) = %u", file, st);
    if (st != 0) return false;
    size_t n = 1;
    st = hailo_configure_vdevice(vd, m->hef, NULL, &m->ng, &n);
    CHECK(st == 0 && n == 1, "configure(%s) = %u, n = %zu", file, st, n);
    if (st != 0) return false;
    hailo_input_vstream_params_by_name_t ip[8];
    hailo_output_vstream_params_by_name_t op[8];
    m->n_in = 8;
    m->n_out = 8;
    CHECK_ST(hailo_make_input_vstream_params(m->ng, false, 1, ip, &m->n_in), 0);
    CHECK_ST(hailo_make_output_vstream_params(m->ng, false, out_type, op, &m->n_out), 0);
    for (size_t i = 0; i < m->n_in; i++) {
        ip[i].params.timeout_ms = timeout_ms;
        ip[i].params.queue_size = queue_size;
    }
    for (size_t i = 0; i < m->n_out; i++) {
        op[i].params.timeout_ms = timeout_ms;
        op[i].params.queue_size = queue_size;
    }
    st = hailo_create_input_vstreams(m->ng, ip, m->n_in, m->in);
    CHECK(st == 0, "create_input_vstreams(%s) = %u", file, st);
    if (st != 0) return false;
    st = hailo_create_output_vstreams(m->ng, op, m->n_out, m->out);
    CHECK(st == 0, "create_output_vstreams(%s) = %u", file, st);
    if (st != 0) return false;
    for (size_t i = 0; i < m->n_in; i++) CHECK_ST(hailo_get_input_vstream_frame_size(m->in[i], &m->in_size[i]), 0);
    for (size_t i = 0; i < m->n_out; i++) CHECK_ST(hailo_get_output_vstream_frame_size(m->out[i], &m->out_size[i]), 0);
    CHECK_ST(hailo_release_hef(m->hef), 0);  // allowed any time after configure
    m->hef = NULL;
    return true;
}

static void close_model(model_t *m) {
    if (m->n_out > 0) CHECK_ST(hailo_release_output_vstreams(m->out, m->n_out), 0);
    if (m->n_in > 0) CHECK_ST(hailo_release_input_vstreams(m->in, m->n_in), 0);
    m->n_in = m->n_out = 0;
}

// ---- writer / reader threads -------------------------------------------------------------------
typedef struct {
    model_t *m;
    unsigned frames;
    unsigned first_k;
    hailo_status status;
    unsigned done;
    float threshold;
    uint32_t max_proposals;
    uint32_t classes, max_per_class;
    int mismatches;
} io_job_t;

static void *writer_main(void *arg) {
    io_job_t *j = arg;
    uint8_t *buf = malloc(j->m->in_size[0]);
    for (unsigned k = 0; k < j->frames; k++) {
        fill_frame(buf, j->m->in_size[0], j->first_k + k);
        j->status = hailo_vstream_write_raw_buffer(j->m->in[0], buf, j->m->in_size[0]);
        if (j->status != 0) break;
        j->done++;
    }
    free(buf);
    return NULL;
}

static void *nms_reader_main(void *arg) {
    io_job_t *j = arg;
    size_t in_len = j->m->in_size[0], out_len = j->m->out_size[0];
    uint8_t *in = malloc(in_len), *got = malloc(out_len), *want = malloc(out_len);
    for (unsigned k = 0; k < j->frames; k++) {
        j->status = hailo_vstream_read_raw_buffer(j->m->out[0], got, out_len);
        if (j->status != 0) break;
        fill_frame(in, in_len, j->first_k + k);
        expected_nms(in, in_len, j->classes, j->max_per_class, j->threshold, j->max_proposals, want, out_len);
        if (memcmp(got, want, out_len) != 0) j->mismatches++;
        j->done++;
    }
    free(in);
    free(got);
    free(want);
    return NULL;
}

static void run_nms_frames(model_t *m, unsigned first_k, unsigned frames, uint32_t classes, uint32_t max_per_class,
                           const char *what) {
    io_job_t w = {.m = m, .frames = frames, .first_k = first_k};
    io_job_t r = {.m = m, .frames = frames, .first_k = first_k, .threshold = 0.0f, .max_proposals = UINT32_MAX,
                  .classes = classes, .max_per_class = max_per_class};
    pthread_t tw, tr;
    pthread_create(&tr, NULL, nms_reader_main, &r);
    pthread_create(&tw, NULL, writer_main, &w);
    pthread_join(tw, NULL);
    pthread_join(tr, NULL);
    CHECK(w.status == 0 && w.done == frames, "%s: writer status %u after %u frames", what, w.status, w.done);
    CHECK(r.status == 0 && r.done == frames, "%s: reader status %u after %u frames", what, r.status, r.done);
    CHECK(r.mismatches == 0, "%s: %d of %u NMS buffers differ from the formula", what, r.mismatches, frames);
}

// ---- helpers for scenarios ---------------------------------------------------------------------
static hailo_vdevice create_default_vdevice(void) {
    hailo_vdevice vd = NULL;
    hailo_status st = hailo_create_vdevice(NULL, &vd);
    CHECK(st == 0, "create_vdevice(NULL) = %u", st);
    return st == 0 ? vd : NULL;
}

static hailo_status create_with_ids(const char *const *ids, uint32_t n, hailo_vdevice *out) {
    hailo_device_id_t dev_ids[4];
    memset(dev_ids, 0, sizeof dev_ids);
    for (uint32_t i = 0; i < n; i++) snprintf(dev_ids[i].id, sizeof dev_ids[i].id, "%s", ids[i]);
    hailo_vdevice_params_t p;
    hailo_init_vdevice_params(&p);
    p.device_ids = dev_ids;
    p.device_count = n;
    return hailo_create_vdevice(&p, out);
}

// ---- scenario: identity, health, notifications -----------------------------------------------------
static atomic_int g_alarm_calls;
static atomic_uint g_alarm_id, g_alarm_seq;
static void *g_alarm_opaque;
static hailo_device g_alarm_device;

static void alarm_cb(hailo_device device, const hailo_notification_t *n, void *opaque) {
    g_alarm_id = n->id;
    g_alarm_seq = n->sequence;
    g_alarm_opaque = opaque;
    g_alarm_device = device;
    atomic_fetch_add(&g_alarm_calls, 1);
}

static void test_versions_and_status(void) {
    hailo_version_t v;
    CHECK_ST(hailo_get_library_version(&v), 0);
    CHECK(v.major == 4 && v.minor == 23 && v.revision == 0, "library version %u.%u.%u", v.major, v.minor, v.revision);
    const char *s0 = hailo_get_status_message(0), *s4 = hailo_get_status_message(4), *s63 = hailo_get_status_message(63);
    CHECK(s0 && strcmp(s0, "HAILO_SUCCESS") == 0, "status 0 = %s", s0 ? s0 : "NULL");
    CHECK(s4 && strcmp(s4, "HAILO_TIMEOUT") == 0, "status 4 = %s", s4 ? s4 : "NULL");
    CHECK(s63 && strcmp(s63, "HAILO_STREAM_ABORT") == 0, "status 63 = %s", s63 ? s63 : "NULL");
    const char *s74 = hailo_get_status_message(74), *s93 = hailo_get_status_message(93);
    CHECK(s74 && strcmp(s74, "HAILO_OUT_OF_PHYSICAL_DEVICES") == 0, "status 74 = %s", s74 ? s74 : "NULL");
    CHECK(s93 && strcmp(s93, "HAILO_HEF_NOT_COMPATIBLE_WITH_DEVICE") == 0, "status 93 = %s", s93 ? s93 : "NULL");
    bool all = true;
    for (hailo_status st = 0; st < 94; st++) all = all && hailo_get_status_message(st) != NULL;
    CHECK(all, "every status below 94 has a name");
    CHECK(hailo_get_status_message(94) == NULL && hailo_get_status_message(1000) == NULL, "status >= 94 has no name");
}

static void test_scan_and_identify(void) {
    size_t n = 0;
    CHECK_ST(hailo_scan_devices(NULL, NULL, &n), 5);
    CHECK(n == 2, "scan needs %zu ids, want 2", n);
    hailo_device_id_t ids[4];
    n = 1;
    CHECK_ST(hailo_scan_devices(NULL, ids, &n), 5);
    CHECK(n == 2, "scan with capacity 1 reports %zu", n);
    n = 4;
    CHECK_ST(hailo_scan_devices(NULL, ids, &n), 0);
    CHECK(n == 2 && strcmp(ids[0].id, "0000:01:00.0") == 0 && strcmp(ids[1].id, "0000:02:00.0") == 0,
          "scan ids %s %s", ids[0].id, ids[1].id);
    int dummy = 0;
    n = 4;
    CHECK_ST(hailo_scan_devices(&dummy, ids, &n), 2);

    hailo_device dev = NULL;
    CHECK_ST(hailo_create_device_by_id(NULL, &dev), 0);
    hailo_device_id_t id;
    CHECK_ST(hailo_get_device_id(dev, &id), 0);
    CHECK(strcmp(id.id, "0000:01:00.0") == 0, "device id %s", id.id);

    hailo_device_identity_t ident;
    memset(&ident, 0xAB, sizeof ident);
    CHECK_ST(hailo_identify(dev, &ident), 0);
    CHECK(ident.protocol_version == 2, "protocol_version %u", ident.protocol_version);
    CHECK(ident.fw_version.major == 4 && ident.fw_version.minor == 23 && ident.fw_version.revision == 0, "fw version");
    CHECK(ident.is_release, "is_release");
    CHECK(ident.device_architecture == 1, "device_architecture %u", ident.device_architecture);
    CHECK(ident.board_name_length == 7 && memcmp(ident.board_name, "Hailo-8", 7) == 0, "board name");
    CHECK(ident.serial_number_length == 13 && memcmp(ident.serial_number, "HLLWM2A220001", 13) == 0, "serial %.*s",
          ident.serial_number_length, ident.serial_number);
    CHECK(ident.part_number_length == 12 && memcmp(ident.part_number, "HM218B1C2FAE", 12) == 0, "part number");
    const char *product = "HAILO-8 AI ACC M.2 M KEY MODULE EXT TEMP";
    CHECK(ident.product_name_length == strlen(product) && memcmp(ident.product_name, product, strlen(product)) == 0,
          "product name %.*s", ident.product_name_length, ident.product_name);

    hailo_extended_device_information_t ext;
    CHECK_ST(hailo_get_extended_device_information(dev, &ext), 0);
    CHECK(ext.neural_network_core_clock_rate == 400000000u && ext.supported_features.pcie &&
              !ext.supported_features.ethernet && !ext.supported_features.current_monitoring && ext.boot_source == 1,
          "extended info");

    hailo_chip_temperature_info_t t;
    CHECK_ST(hailo_get_chip_temperature(dev, &t), 0);
    CHECK(t.ts0_temperature == 47.5f && t.ts1_temperature == 48.75f && t.sample_count == 1, "temperature %f %f %u",
          t.ts0_temperature, t.ts1_temperature, t.sample_count);
    bool thr = true;
    CHECK_ST(hailo_get_throttling_state(dev, &thr), 0);
    CHECK(!thr, "throttling off by default");
    float32_t watts = 0;
    CHECK_ST(hailo_power_measurement(dev, 0x7fffffff, 2, &watts), 79);

    // The temperature alarm: HAILO_SIM_TEMPERATURE_ALARM_MS=50 in this scenario.
    int token = 42;
    CHECK_ST(hailo_set_notification_callback(dev, alarm_cb, 1, &token), 0);
    double t0 = now_s();
    while (atomic_load(&g_alarm_calls) == 0 && now_s() - t0 < 3.0) sleep_ms(5);
    double waited = now_s() - t0;
    CHECK(atomic_load(&g_alarm_calls) == 1, "alarm callback called %d times", atomic_load(&g_alarm_calls));
    CHECK(waited >= 0.03 && waited < 1.5, "alarm after %.3f s (want ~0.05)", waited);
    CHECK(g_alarm_id == 1 && g_alarm_seq == 1 && g_alarm_opaque == &token && g_alarm_device == dev, "alarm content");
    CHECK_ST(hailo_release_device(dev), 0);

    hailo_device_id_t short_id = {{0}};
    snprintf(short_id.id, sizeof short_id.id, "02:00.0");
    CHECK_ST(hailo_create_device_by_id(&short_id, &dev), 0);
    CHECK_ST(hailo_identify(dev, &ident), 0);
    CHECK(memcmp(ident.serial_number, "HLLWM2A220002", 13) == 0, "second board serial");
    CHECK_ST(hailo_release_device(dev), 0);
    hailo_device_id_t bad = {{0}};
    snprintf(bad.id, sizeof bad.id, "0000:09:00.0");
    CHECK_ST(hailo_create_device_by_id(&bad, &dev), 2);
}

// ---- scenario: ownership between processes and inside the process -----------------------------
static pid_t spawn_holder(int *to_child, int *from_child) {
    int in_pipe[2], out_pipe[2];
    if (pipe(in_pipe) != 0 || pipe(out_pipe) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in_pipe[0], 0);
        dup2(out_pipe[1], 1);
        close(in_pipe[1]);
        close(out_pipe[0]);
        unsetenv("HAILO_SIM_SELFTEST_RESULT_FD");
        execl(g_self, g_self, g_lib, g_hefdir, "--scenario", "hold", (char *)NULL);
        _exit(127);
    }
    close(in_pipe[0]);
    close(out_pipe[1]);
    *to_child = in_pipe[1];
    *from_child = out_pipe[0];
    return pid;
}

static void test_ownership(void) {
    int to_child = -1, from_child = -1;
    pid_t pid = spawn_holder(&to_child, &from_child);
    CHECK(pid > 0, "spawned the holder process");
    if (pid <= 0) return;
    char c = 0;
    ssize_t r = read(from_child, &c, 1);
    CHECK(r == 1 && c == 'R', "holder process owns both boards");

    hailo_vdevice vd = NULL;
    CHECK_ST(hailo_create_vdevice(NULL, &vd), 74);
    const char *one[] = {"0000:01:00.0"};
    CHECK_ST(create_with_ids(one, 1, &vd), 73);
    // Monitoring works while another process owns the board.
    hailo_device dev = NULL;
    CHECK_ST(hailo_create_device_by_id(NULL, &dev), 0);
    hailo_chip_temperature_info_t t;
    CHECK_ST(hailo_get_chip_temperature(dev, &t), 0);
    CHECK_ST(hailo_release_device(dev), 0);

    close(to_child);  // the holder releases its vdevice and exits
    int status = 0;
    waitpid(pid, &status, 0);
    close(from_child);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "holder exit status %d", status);

    vd = create_default_vdevice();
    if (vd == NULL) return;
    hailo_vdevice vd2 = NULL;
    CHECK_ST(hailo_create_vdevice(NULL, &vd2), 0);  // takes the second board
    hailo_vdevice vd3 = NULL;
    CHECK_ST(hailo_create_vdevice(NULL, &vd3), 74);  // both owned inside this process
    const char *first[] = {"0000:01:00.0"};
    CHECK_ST(create_with_ids(first, 1, &vd3), 73);
    CHECK_ST(hailo_release_vdevice(vd2), 0);
    const char *second[] = {"0000:02:00.0"};
    CHECK_ST(create_with_ids(second, 1, &vd2), 0);
    CHECK_ST(hailo_release_vdevice(vd2), 0);

    hailo_device devs[4];
    size_t n = 0;
    CHECK_ST(hailo_get_physical_devices(vd, devs, &n), 5);
    CHECK(n == 1, "physical devices needed %zu", n);
    n = 4;
    CHECK_ST(hailo_get_physical_devices(vd, devs, &n), 0);
    hailo_device_id_t id;
    CHECK(n == 1 && hailo_get_device_id(devs[0], &id) == 0 && strcmp(id.id, "0000:01:00.0") == 0, "vdevice's board");
    CHECK_ST(hailo_release_vdevice(vd), 0);

    // Parameter checks.
    hailo_vdevice_params_t p;
    CHECK_ST(hailo_init_vdevice_params(&p), 0);
    CHECK(p.device_count == 1 && p.device_ids == NULL && p.scheduling_algorithm == 1 && p.group_id != NULL &&
              strcmp(p.group_id, "UNIQUE") == 0 && !p.multi_process_service,
          "vdevice defaults");
    p.device_count = 3;
    CHECK_ST(hailo_create_vdevice(&p, &vd), 74);
    p.device_count = 2;
    CHECK_ST(hailo_create_vdevice(&p, &vd), 0);
    n = 4;
    CHECK(hailo_get_physical_devices(vd, devs, &n) == 0 && n == 2, "two-board vdevice");
    CHECK_ST(hailo_release_vdevice(vd), 0);
    const char *unknown[] = {"0000:07:00.0"};
    CHECK_ST(create_with_ids(unknown, 1, &vd), 2);
    CHECK_ST(create_with_ids(first, 0, &vd), 2);
    hailo_init_vdevice_params(&p);
    p.multi_process_service = true;
    CHECK_ST(hailo_create_vdevice(&p, &vd), 77);
}

static int scenario_hold(void) {
    hailo_vdevice_params_t p;
    hailo_init_vdevice_params(&p);
    p.device_count = 2;
    hailo_vdevice vd = NULL;
    if (hailo_create_vdevice(&p, &vd) != 0) return 1;
    if (write(1, "R", 1) != 1) return 1;
    char buf[16];
    while (read(0, buf, sizeof buf) > 0) {
    }
    return hailo_release_vdevice(vd) == 0 ? 0 : 1;
}

// ---- scenario: HEF parsing -------------------------------------------------------------------------
static void test_hefs(void) {
    hailo_hef hef = NULL;
    CHECK_ST(hailo_create_hef_file(&hef, hef_path("does_not_exist.hef")), 13);
    CHECK_ST(hailo_create_hef_file(&hef, hef_path("sim_bad_magic.hef")), 92);
    CHECK_ST(hailo_create_hef_file(&hef, hef_path("sim_corrupt.hef")), 91);
    const char no_output[] = "HAILO-SIM-HEF 1\nnetwork_group x\ninput x/in 2 2 1\n";
    CHECK_ST(hailo_create_hef_buffer(&hef, no_output, sizeof no_output - 1), 26);
    const char no_input[] = "HAILO-SIM-HEF 1\nnetwork_group x\noutput x/out 1 1 4 0 1\n";
    CHECK_ST(hailo_create_hef_buffer(&hef, no_input, sizeof no_input - 1), 26);
    const char bad_arch[] = "HAILO-SIM-HEF 1\nnetwork_group x\narch hailo9\ninput x/in 2 2 1\noutput x/out 1 1 4 0 1\n";
    CHECK_ST(hailo_create_hef_buffer(&hef, bad_arch, sizeof bad_arch - 1), 91);
    const char wrong_version[] = "HAILO-SIM-HEF 2\nnetwork_group x\n";
    CHECK_ST(hailo_create_hef_buffer(&hef, wrong_version, sizeof wrong_version - 1), 92);

    // A buffer is copied: overwrite ours right after the call.
    char text[] = "HAILO-SIM-HEF 1\n\n# comment\nnetwork_group buf   # trailing comment\narch hailo8l\n"
                  "input buf/in 2 2 1\noutput buf/out 1 1 4 3 0.5\n";
    CHECK_ST(hailo_create_hef_buffer(&hef, text, strlen(text)), 0);
    memset(text, 'x', strlen(text));
    hailo_network_group_info_t ngi[2];
    size_t n = 0;
    CHECK_ST(hailo_get_network_groups_infos(hef, ngi, &n), 5);
    n = 2;
    CHECK_ST(hailo_get_network_groups_infos(hef, ngi, &n), 0);
    CHECK(n == 1 && strcmp(ngi[0].name, "buf") == 0 && !ngi[0].is_multi_context, "network group info");

    hailo_vdevice vd = create_default_vdevice();
    if (vd == NULL) return;
    hailo_configured_network_group ng = NULL;
    n = 1;
    CHECK_ST(hailo_configure_vdevice(vd, hef, NULL, &ng, &n), 0);  // hailo8l HEFs run on Hailo-8
    CHECK_ST(hailo_release_hef(hef), 0);
    model_t m = {0};
    m.ng = ng;
    hailo_input_vstream_params_by_name_t ip[1];
    hailo_output_vstream_params_by_name_t op[1];
    size_t ni = 1, no = 1;
    CHECK_ST(hailo_make_input_vstream_params(ng, false, 0, ip, &ni), 0);
    CHECK_ST(hailo_make_output_vstream_params(ng, false, 0, op, &no), 0);
    CHECK_ST(hailo_create_input_vstreams(ng, ip, 1, m.in), 0);
    CHECK_ST(hailo_create_output_vstreams(ng, op, 1, m.out), 0);
    uint8_t in[4] = {1, 2, 3, 4}, out[4] = {0};
    CHECK_ST(hailo_vstream_write_raw_buffer(m.in[0], in, 4), 0);
    CHECK_ST(hailo_vstream_read_raw_buffer(m.out[0], out, 4), 0);
    CHECK(memcmp(in, out, 4) == 0, "buffer HEF round trip");
    m.n_in = m.n_out = 1;
    close_model(&m);

    CHECK_ST(hailo_create_hef_file(&hef, hef_path("sim_hailo15.hef")), 0);
    n = 1;
    CHECK_ST(hailo_configure_vdevice(vd, hef, NULL, &ng, &n), 93);
    CHECK_ST(hailo_release_hef(hef), 0);

    // yolov8n: vstream infos from the HEF.
    CHECK_ST(hailo_create_hef_file(&hef, hef_path("sim_yolov8n.hef")), 0);
    hailo_vstream_info_t infos[4];
    n = 1;
    CHECK_ST(hailo_hef_get_all_vstream_infos(hef, NULL, infos, &n), 5);
    CHECK(n == 2, "yolov8n has %zu vstreams", n);
    n = 4;
    CHECK_ST(hailo_hef_get_all_vstream_infos(hef, "yolov8n", infos, &n), 0);
    CHECK_ST(hailo_hef_get_all_vstream_infos(hef, "nope", infos, &n), 61);
    n = 4;
    CHECK_ST(hailo_hef_get_all_vstream_infos(hef, NULL, infos, &n), 0);
    CHECK(strcmp(infos[0].name, "yolov8n/input_layer1") == 0 && infos[0].direction == 0 && infos[0].format.type == 1 &&
              infos[0].format.order == 1 && infos[0].shape.height == 640 && infos[0].shape.width == 640 &&
              infos[0].shape.features == 3,
          "yolov8n input info");
    CHECK(strcmp(infos[1].name, "yolov8n/yolov8_nms_postprocess") == 0 && infos[1].direction == 1 &&
              infos[1].format.type == 3 && infos[1].format.order == 22 && infos[1].nms_shape.number_of_classes == 80 &&
              infos[1].nms_shape.max_bboxes_per_class == 100 && infos[1].quant_info.qp_zp == 0.0f &&
              infos[1].quant_info.qp_scale == 1.0f && infos[1].quant_info.limvals_max == 0.0f,
          "yolov8n NMS info");

    hailo_configure_params_t *cfg = calloc(1, sizeof *cfg);
    CHECK_ST(hailo_init_configure_params_by_vdevice(hef, vd, cfg), 0);
    CHECK(cfg->network_group_params_count == 1 && strcmp(cfg->network_group_params[0].name, "yolov8n") == 0 &&
              cfg->network_group_params[0].batch_size == 0 && cfg->network_group_params[0].stream_params_by_name_count == 0,
          "configure params defaults");
    cfg->network_group_params[0].batch_size = 1;
    n = 0;
    CHECK_ST(hailo_configure_vdevice(vd, hef, cfg, &ng, &n), 5);
    CHECK(n == 1, "configure needs %zu groups", n);
    n = 1;
    CHECK_ST(hailo_configure_vdevice(vd, hef, cfg, &ng, &n), 0);
    free(cfg);
    CHECK_ST(hailo_release_hef(hef), 0);

    CHECK_ST(hailo_set_scheduler_priority(ng, 32, NULL), 2);
    CHECK_ST(hailo_set_scheduler_priority(ng, 31, NULL), 0);
    CHECK_ST(hailo_set_scheduler_priority(ng, 16, "yolov8n/yolov8n"), 7);
    CHECK_ST(hailo_set_scheduler_timeout(ng, 100, NULL), 0);
    CHECK_ST(hailo_set_scheduler_threshold(ng, 2, NULL), 0);

    hailo_input_vstream_params_by_name_t yip[2];
    hailo_output_vstream_params_by_name_t yop[2];
    ni = 2;
    no = 2;
    CHECK_ST(hailo_make_input_vstream_params(ng, false, 1, yip, &ni), 0);
    CHECK_ST(hailo_make_output_vstream_params(ng, false, 1, yop, &no), 0);
    CHECK(yip[0].params.user_buffer_format.type == 1 && yip[0].params.user_buffer_format.order == 0 &&
              yip[0].params.timeout_ms == 10000 && yip[0].params.queue_size == 2,
          "default vstream params");
    hailo_output_vstream yout[1];
    hailo_input_vstream yin[1];
    CHECK_ST(hailo_create_output_vstreams(ng, yop, 1, yout), 2);  // NMS as UINT8
    yop[0].params.user_buffer_format.type = 3;
    yop[0].params.user_buffer_format.order = 23;
    CHECK_ST(hailo_create_output_vstreams(ng, yop, 1, yout), 79);  // NMS_BY_SCORE
    yop[0].params.user_buffer_format.order = 22;
    CHECK_ST(hailo_create_output_vstreams(ng, yop, 1, yout), 0);
    yip[0].params.user_buffer_format.type = 3;
    CHECK_ST(hailo_create_input_vstreams(ng, yip, 1, yin), 2);  // FLOAT32 input
    yip[0].params.user_buffer_format.type = 0;
    CHECK_ST(hailo_create_input_vstreams(ng, yip, 1, yin), 0);
    size_t fs = 0;
    CHECK(hailo_get_input_vstream_frame_size(yin[0], &fs) == 0 && fs == 640u * 640u * 3u, "yolov8n input frame %zu", fs);
    CHECK(hailo_get_output_vstream_frame_size(yout[0], &fs) == 0 && fs == 160320u, "yolov8n NMS frame %zu", fs);
    hailo_vstream_info_t vi;
    CHECK(hailo_get_output_vstream_info(yout[0], &vi) == 0 && vi.nms_shape.number_of_classes == 80, "output info");
    CHECK_ST(hailo_vstream_set_nms_iou_threshold(yout[0], 0.6f), 0);
    // One full-size frame through yolov8n, checked byte for byte.
    uint8_t *frame = malloc(640u * 640u * 3u), *got = malloc(160320u), *want = malloc(160320u);
    fill_frame(frame, 640u * 640u * 3u, 5);
    CHECK_ST(hailo_vstream_write_raw_buffer(yin[0], frame, 640u * 640u * 3u), 0);
    CHECK_ST(hailo_vstream_read_raw_buffer(yout[0], got, 160320u), 0);
    expected_nms(frame, 640u * 640u * 3u, 80, 100, 0.0f, UINT32_MAX, want, 160320u);
    CHECK(memcmp(got, want, 160320u) == 0, "yolov8n NMS buffer");
    free(frame);
    free(got);
    free(want);
    // Handles are left for hailo_release_vdevice to free.
    CHECK_ST(hailo_release_vdevice(vd), 0);
}

// ---- HEF containers -------------------------------------------------------------------------------
static void put_be(uint8_t *p, uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; i--, v >>= 8) p[i] = (uint8_t)v;
}

// A HEF container of header `version` (0 to 3) around `program`: the header, then a ProtoHEFHef
// whose header names `hw_arch` (below 128), then the program (after 4 bytes of padding in version
// 3). Returns the size written into out, which holds 1024 bytes.
static size_t make_container(uint8_t out[1024], uint32_t version, int hw_arch, const char *program) {
    static const size_t header_sizes[] = {32, 28, 44, 56};
    size_t header = header_sizes[version], program_len = strlen(program), padding = version == 3 ? 4 : 0;
    const uint8_t proto[] = {0x0A, 0x04, 0x10, 0x00, 0x08, (uint8_t)hw_arch};  // header {timestamp 0, hw_arch}
    memset(out, 0, 1024);
    put_be(out, 0x01484546u, 4);
    put_be(out + 4, version, 4);
    put_be(out + 8, sizeof proto, 4);
    if (version == 1) put_be(out + 16, program_len, 8);
    if (version == 2) put_be(out + 20, program_len, 8);
    if (version == 3) {
        put_be(out + 20, program_len + padding, 8);
        put_be(out + 28, padding, 4);
    }
    memcpy(out + header, proto, sizeof proto);
    memcpy(out + header + sizeof proto + padding, program, program_len);
    return header + sizeof proto + padding + program_len;
}

static const char g_program[] = "HAILO-SIM-HEF 1\nnetwork_group c\ninput c/in 2 2 1\noutput c/out 1 1 4 0 1\n";

// Creates a HEF from the container's bytes and configures it: the status of the step that failed.
static hailo_status load_container(hailo_vdevice vd, const uint8_t *bytes, size_t len) {
    hailo_hef hef = NULL;
    hailo_status st = hailo_create_hef_buffer(&hef, bytes, len);
    if (st != 0) return st;
    hailo_configured_network_group ng = NULL;
    size_t n = 1;
    st = hailo_configure_vdevice(vd, hef, NULL, &ng, &n);
    hailo_release_hef(hef);
    return st;
}

// The statuses HailoRT 4.21+ gives for containers; `newest` is 3 (or 2 as 4.20, which answers 26
// for each of 91-93).
static void test_hef_containers(hailo_vdevice vd, uint32_t newest, hailo_status hef_status) {
    uint8_t b[1024];
    size_t len;
    for (uint32_t version = 1; version <= 3; version++) {
        len = make_container(b, version, 0, g_program);
        CHECK(load_container(vd, b, len) == (version <= newest ? 0 : (hef_status == 26 ? 26 : 92)),
              "a container of version %u", version);
    }
    len = make_container(b, 0, 0, g_program);
    CHECK_ST(load_container(vd, b, len), hef_status == 26 ? 26 : 92);  // version 0 has no program
    len = make_container(b, 2, 3, g_program);
    CHECK_ST(load_container(vd, b, len), 0);  // a Hailo-8L HEF on a Hailo-8
    len = make_container(b, 2, 103, g_program);
    CHECK_ST(load_container(vd, b, len), hef_status == 26 ? 26 : 93);  // a Hailo-15H HEF
    len = make_container(b, 2, 2, g_program);
    CHECK_ST(load_container(vd, b, len), 0);  // HAILO8R is a Hailo-8 HEF
    len = make_container(b, 2, 0, g_program);
    CHECK_ST(load_container(vd, b, 20), hef_status);              // a truncated header
    CHECK_ST(load_container(vd, b, len - 1), hef_status);         // the program shorter than the header says
    put_be(b + 8, 0xFFFFFFF0u, 4);
    CHECK_ST(load_container(vd, b, len), hef_status);             // the message beyond the file
    len = make_container(b, 2, 0, g_program);
    b[44] = 0x0B;                                                 // a group (wire type 3) instead of the header
    CHECK_ST(load_container(vd, b, len), hef_status);
    len = make_container(b, 2, 0, g_program);
    b[2] = 'X';
    CHECK_ST(load_container(vd, b, len), hef_status == 26 ? 26 : 92);  // another magic
    const char agrees[] = "HAILO-SIM-HEF 1\nnetwork_group c\narch hailo8l\ninput c/in 2 2 1\noutput c/out 1 1 4 0 1\n";
    len = make_container(b, 2, 3, agrees);
    CHECK_ST(load_container(vd, b, len), 0);
    len = make_container(b, 2, 0, agrees);
    CHECK_ST(load_container(vd, b, len), hef_status);             // the program's arch line contradicts the header
    len = make_container(b, 2, 0, "not a simulated program\n");
    CHECK_ST(load_container(vd, b, len), hef_status == 26 ? 26 : 92);
}

// ---- scenario: inference -------------------------------------------------------------------------
static void test_sorting_and_formats(hailo_vdevice vd) {
    hailo_hef hef = NULL;
    CHECK_ST(hailo_create_hef_file(&hef, hef_path("sim_two_outputs.hef")), 0);
    hailo_vstream_info_t infos[4];
    size_t n = 4;
    CHECK_ST(hailo_hef_get_all_vstream_infos(hef, NULL, infos, &n), 0);
    CHECK(n == 3 && strcmp(infos[1].name, "two_outputs/out_b") == 0, "HEF infos keep file order");
    hailo_configured_network_group ng = NULL;
    n = 1;
    CHECK_ST(hailo_configure_vdevice(vd, hef, NULL, &ng, &n), 0);
    CHECK_ST(hailo_release_hef(hef), 0);
    hailo_output_vstream_params_by_name_t op[2];
    n = 1;
    CHECK_ST(hailo_make_output_vstream_params(ng, false, 0, op, &n), 5);
    CHECK(n == 2, "two outputs needed %zu", n);
    CHECK_ST(hailo_make_output_vstream_params(ng, false, 0, op, &n), 0);
    CHECK(strcmp(op[0].name, "two_outputs/out_a") == 0 && strcmp(op[1].name, "two_outputs/out_b") == 0,
          "output params sorted by name: %s, %s", op[0].name, op[1].name);
    // Pass them reversed; the handles still come back sorted by name.
    hailo_output_vstream_params_by_name_t rev[2] = {op[1], op[0]};
    rev[0].params.user_buffer_format.type = 1;  // out_b UINT8
    rev[1].params.user_buffer_format.type = 0;  // out_a AUTO
    hailo_output_vstream outs[2];
    CHECK_ST(hailo_create_output_vstreams(ng, rev, 2, outs), 0);
    hailo_vstream_info_t a, b;
    CHECK_ST(hailo_get_output_vstream_info(outs[0], &a), 0);
    CHECK_ST(hailo_get_output_vstream_info(outs[1], &b), 0);
    CHECK(strcmp(a.name, "two_outputs/out_a") == 0 && strcmp(b.name, "two_outputs/out_b") == 0, "handles sorted by name");
    CHECK(a.format.type == 1 && a.format.order == 6 && a.shape.features == 8, "out_a device format NC");
    CHECK(b.format.order == 1 && b.quant_info.qp_zp == 128.0f && b.quant_info.qp_scale == 0.25f &&
              b.quant_info.limvals_max == 255.0f,
          "out_b device format");
    size_t fa = 0, fb = 0;
    CHECK(hailo_get_output_vstream_frame_size(outs[0], &fa) == 0 && fa == 8, "out_a frame size %zu", fa);
    CHECK(hailo_get_output_vstream_frame_size(outs[1], &fb) == 0 && fb == 8, "out_b frame size %zu", fb);
    CHECK_ST(hailo_vstream_set_nms_score_threshold(outs[0], 0.5f), 6);
    CHECK_ST(hailo_vstream_set_nms_iou_threshold(outs[0], 0.5f), 6);
    CHECK_ST(hailo_vstream_set_nms_max_proposals_per_class(outs[1], 3), 6);
    hailo_quant_info_t q[4];
    n = 4;
    CHECK(hailo_get_output_vstream_quant_infos(outs[1], q, &n) == 0 && n == 1 && q[0].qp_zp == 128.0f &&
              q[0].qp_scale == 0.25f,
          "out_b quant infos");

    hailo_input_vstream_params_by_name_t ip[1];
    n = 1;
    CHECK_ST(hailo_make_input_vstream_params(ng, false, 1, ip, &n), 0);
    hailo_input_vstream in[1];
    CHECK_ST(hailo_create_input_vstreams(ng, ip, 1, in), 0);
    CHECK_ST(hailo_create_input_vstreams(ng, ip, 1, in), 6);  // already created
    uint8_t frame[8 * 8 * 3], ga[8], gb[8];
    fill_frame(frame, sizeof frame, 3);
    CHECK_ST(hailo_vstream_write_raw_buffer(in[0], frame, sizeof frame - 1), 2);
    CHECK_ST(hailo_vstream_write_raw_buffer(in[0], frame, sizeof frame), 0);
    CHECK_ST(hailo_vstream_read_raw_buffer(outs[0], ga, 7), 2);
    CHECK_ST(hailo_vstream_read_raw_buffer(outs[0], ga, 8), 0);
    CHECK_ST(hailo_vstream_read_raw_buffer(outs[1], gb, 8), 0);
    CHECK(memcmp(ga, frame, 8) == 0 && memcmp(gb, frame, 8) == 0, "raw outputs repeat the input bytes");
    CHECK_ST(hailo_release_output_vstreams(outs, 2), 0);
    CHECK_ST(hailo_release_input_vstreams(in, 1), 0);

    // FLOAT32 dequantization, one quant info.
    model_t m;
    if (open_model(vd, "sim_classifier.hef", 3, 10000, 2, &m)) {
        CHECK(m.in_size[0] == 224u * 224u * 3u && m.out_size[0] == 4000, "classifier frame sizes %zu %zu", m.in_size[0],
              m.out_size[0]);
        uint8_t *f = malloc(m.in_size[0]);
        float got[1000];
        fill_frame(f, m.in_size[0], 9);
        CHECK_ST(hailo_vstream_write_raw_buffer(m.in[0], f, m.in_size[0]), 0);
        CHECK_ST(hailo_vstream_read_raw_buffer(m.out[0], got, sizeof got), 0);
        int bad = 0;
        for (int i = 0; i < 1000; i++) bad += got[i] != ((float)f[i] - 0.0f) * 0.00390625f;
        CHECK(bad == 0, "classifier FLOAT32 values (%d wrong)", bad);
        hailo_vstream_info_t vi;
        CHECK(hailo_get_output_vstream_info(m.out[0], &vi) == 0 && vi.format.type == 1 && vi.format.order == 6 &&
                  vi.quant_info.qp_scale == 0.00390625f,
              "classifier info (device format)");
        free(f);
        close_model(&m);
    }
    // Per-channel dequantization.
    if (open_model(vd, "sim_perchannel.hef", 3, 10000, 2, &m)) {
        CHECK(m.out_size[0] == 2 * 2 * 4 * 4, "perchannel frame size %zu", m.out_size[0]);
        hailo_vstream_info_t vi;
        CHECK(hailo_get_output_vstream_info(m.out[0], &vi) == 0 && vi.quant_info.qp_zp == 0.0f &&
                  vi.quant_info.qp_scale == 0.0f && vi.quant_info.limvals_min == 0.0f && vi.quant_info.limvals_max == 0.0f,
              "per-channel quant_info is all zeros");
        hailo_quant_info_t qi[8];
        size_t nq = 2;
        CHECK_ST(hailo_get_output_vstream_quant_infos(m.out[0], qi, &nq), 5);
        CHECK(nq == 4, "per-channel quant count %zu", nq);
        CHECK_ST(hailo_get_output_vstream_quant_infos(m.out[0], qi, &nq), 0);
        bool qok = true;
        for (int fidx = 0; fidx < 4; fidx++) {
            qok = qok && qi[fidx].qp_zp == 10.0f + (float)fidx && qi[fidx].qp_scale == 0.5f && qi[fidx].limvals_min == 0.0f &&
                  qi[fidx].limvals_max == 255.0f;
        }
        CHECK(qok, "per-channel quant infos");
        uint8_t f[48];
        float got[16];
        fill_frame(f, sizeof f, 11);
        CHECK_ST(hailo_vstream_write_raw_buffer(m.in[0], f, sizeof f), 0);
        CHECK_ST(hailo_vstream_read_raw_buffer(m.out[0], got, sizeof got), 0);
        int bad = 0;
        for (int i = 0; i < 16; i++) bad += got[i] != ((float)f[i] - (10.0f + (float)(i % 4))) * 0.5f;
        CHECK(bad == 0, "per-channel FLOAT32 values (%d wrong)", bad);
        close_model(&m);
    }
}

static void test_detector(hailo_vdevice vd) {
    model_t m;
    if (!open_model(vd, "sim_detector_small.hef", 0, 10000, 2, &m)) return;
    CHECK(m.in_size[0] == 64u * 64u * 3u && m.out_size[0] == 3u * (1u + 5u * 5u) * 4u, "detector frame sizes %zu %zu",
          m.in_size[0], m.out_size[0]);
    run_nms_frames(&m, 0, 20, 3, 5, "20 frames, writer and reader threads");

    // Score threshold and max proposals, on frames with 3 boxes (in0[0] % 3 == 2).
    uint8_t *f = malloc(m.in_size[0]), *got = malloc(m.out_size[0]), *want = malloc(m.out_size[0]);
    unsigned k = 0;
    do {
        fill_frame(f, m.in_size[0], ++k);
    } while (f[0] % 3 != 2);
    CHECK_ST(hailo_vstream_set_nms_score_threshold(m.out[0], 0.75f), 0);
    CHECK_ST(hailo_vstream_write_raw_buffer(m.in[0], f, m.in_size[0]), 0);
    CHECK_ST(hailo_vstream_read_raw_buffer(m.out[0], got, m.out_size[0]), 0);
    expected_nms(f, m.in_size[0], 3, 5, 0.75f, UINT32_MAX, want, m.out_size[0]);
    CHECK(memcmp(got, want, m.out_size[0]) == 0, "score threshold 0.75");
    uint64_t sum = 0;
    for (size_t i = 0; i < m.in_size[0]; i++) sum += f[i];
    float cnt;
    memcpy(&cnt, got + 4 * (sum % 3), 4);
    CHECK(cnt == 2.0f, "score threshold keeps 2 of 3 boxes (count %f)", cnt);
    CHECK_ST(hailo_vstream_set_nms_score_threshold(m.out[0], 0.0f), 0);
    CHECK_ST(hailo_vstream_set_nms_max_proposals_per_class(m.out[0], 1), 0);
    CHECK_ST(hailo_vstream_write_raw_buffer(m.in[0], f, m.in_size[0]), 0);
    CHECK_ST(hailo_vstream_read_raw_buffer(m.out[0], got, m.out_size[0]), 0);
    expected_nms(f, m.in_size[0], 3, 5, 0.0f, 1, want, m.out_size[0]);
    memcpy(&cnt, got + 4 * (sum % 3), 4);
    CHECK(memcmp(got, want, m.out_size[0]) == 0 && cnt == 1.0f, "max proposals 1");
    CHECK_ST(hailo_vstream_set_nms_max_proposals_per_class(m.out[0], 100), 0);
    free(f);
    free(got);
    free(want);
    close_model(&m);
}

typedef struct {
    hailo_output_vstream out;
    size_t size;
    hailo_status status;
    double elapsed;
} blocked_read_t;

static void *blocked_read_main(void *arg) {
    blocked_read_t *b = arg;
    void *buf = malloc(b->size);
    double t0 = now_s();
    b->status = hailo_vstream_read_raw_buffer(b->out, buf, b->size);
    b->elapsed = now_s() - t0;
    free(buf);
    return NULL;
}

static void test_timeouts_and_shutdown(hailo_vdevice vd) {
    model_t m;
    if (!open_model(vd, "sim_detector_small.hef", 0, 200, 2, &m)) return;
    uint8_t *f = malloc(m.in_size[0]), *got = malloc(m.out_size[0]);
    double t0 = now_s();
    CHECK_ST(hailo_vstream_read_raw_buffer(m.out[0], got, m.out_size[0]), 4);
    double dt = now_s() - t0;
    CHECK(dt >= 0.18 && dt < 1.0, "read timeout after %.3f s (want 0.2)", dt);
    int ok_writes = 0;
    hailo_status st = 0;
    for (int i = 0; i < 6; i++) {
        fill_frame(f, m.in_size[0], (unsigned)i);
        st = hailo_vstream_write_raw_buffer(m.in[0], f, m.in_size[0]);
        if (st != 0) break;
        ok_writes++;
    }
    CHECK(ok_writes == 4 && st == 4, "back-pressure: %d writes then status %u (want 4 then 4)", ok_writes, st);
    for (int i = 0; i < 2; i++) CHECK_ST(hailo_vstream_read_raw_buffer(m.out[0], got, m.out_size[0]), 0);
    // The two queued inputs are processed once there is room again.
    for (int i = 0; i < 2; i++) CHECK_ST(hailo_vstream_read_raw_buffer(m.out[0], got, m.out_size[0]), 0);
    close_model(&m);

    // Release while a reader is blocked: it gets 63 and nothing crashes.
    if (open_model(vd, "sim_detector_small.hef", 0, 10000, 2, &m)) {
        blocked_read_t b = {.out = m.out[0], .size = m.out_size[0]};
        pthread_t t;
        pthread_create(&t, NULL, blocked_read_main, &b);
        sleep_ms(100);
        CHECK_ST(hailo_release_output_vstreams(m.out, m.n_out), 0);
        m.n_out = 0;
        pthread_join(t, NULL);
        CHECK(b.status == 63 && b.elapsed < 2.0, "release aborts a blocked read: %u after %.3f s", b.status, b.elapsed);
        close_model(&m);
    }

    // Shutdown wakes a blocked reader with 63; later I/O on the group also gets 63.
    if (open_model(vd, "sim_detector_small.hef", 0, 10000, 2, &m)) {
        blocked_read_t b = {.out = m.out[0], .size = m.out_size[0]};
        pthread_t t;
        pthread_create(&t, NULL, blocked_read_main, &b);
        sleep_ms(100);
        CHECK_ST(hailo_shutdown_network_group(m.ng), 0);
        pthread_join(t, NULL);
        CHECK(b.status == 63 && b.elapsed < 2.0, "shutdown aborts a blocked read: %u after %.3f s", b.status, b.elapsed);
        fill_frame(f, m.in_size[0], 1);
        CHECK_ST(hailo_vstream_write_raw_buffer(m.in[0], f, m.in_size[0]), 63);
        CHECK_ST(hailo_vstream_read_raw_buffer(m.out[0], got, m.out_size[0]), 63);
        close_model(&m);
    }
    free(f);
    free(got);
}

typedef struct {
    hailo_vdevice vd;
    const char *file;
    unsigned first_k;
    uint32_t classes;
} group_job_t;

static void *group_job_main(void *arg) {
    group_job_t *g = arg;
    model_t m;
    // open_model configures, which is allowed from several threads at once.
    if (open_model(g->vd, g->file, 0, 10000, 2, &m)) {
        run_nms_frames(&m, g->first_k, 10, g->classes, 5, g->file);
        close_model(&m);
    }
    return NULL;
}

static void test_groups_in_parallel(hailo_vdevice vd) {
    group_job_t a = {vd, "sim_detector_small.hef", 100, 3}, b = {vd, "sim_detector_small.hef", 200, 3};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, group_job_main, &a);
    pthread_create(&tb, NULL, group_job_main, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
}

static double time_slow_frames(hailo_vdevice vd, unsigned frames) {
    model_t m;
    if (!open_model(vd, "sim_slow.hef", 0, 10000, 2, &m)) return -1;
    double t0 = now_s();
    run_nms_frames(&m, 0, frames, 3, 5, "sim_slow");
    double dt = now_s() - t0;
    close_model(&m);
    return dt;
}

// hailo_release_vdevice while a reader is blocked: the reader gets 63, everything is freed.
static void test_release_vdevice_with_blocked_reader(void) {
    hailo_vdevice vd = create_default_vdevice();  // the second board
    if (vd == NULL) return;
    model_t m;
    if (open_model(vd, "sim_detector_small.hef", 0, 10000, 2, &m)) {
        blocked_read_t b = {.out = m.out[0], .size = m.out_size[0]};
        pthread_t t;
        pthread_create(&t, NULL, blocked_read_main, &b);
        sleep_ms(100);
        CHECK_ST(hailo_release_vdevice(vd), 0);
        pthread_join(t, NULL);
        CHECK(b.status == 63 && b.elapsed < 2.0, "release_vdevice aborts a blocked read: %u after %.3f s", b.status,
              b.elapsed);
    } else {
        hailo_release_vdevice(vd);
    }
}

static int scenario_main(void) {
    test_versions_and_status();
    test_scan_and_identify();
    test_ownership();
    test_hefs();
    hailo_vdevice vd = create_default_vdevice();
    if (vd == NULL) return 0;
    test_hef_containers(vd, 3, 91);
    test_sorting_and_formats(vd);
    test_detector(vd);
    test_timeouts_and_shutdown(vd);
    test_groups_in_parallel(vd);
    test_release_vdevice_with_blocked_reader();
    double dt = time_slow_frames(vd, 5);
    CHECK(dt > 0.9 && dt < 1.5, "sim_slow: 5 frames took %.3f s (want ~1.0)", dt);
    CHECK_ST(hailo_release_vdevice(vd), 0);
    return 0;
}

// ---- other scenarios (one process each) ---------------------------------------------------------
static int scenario_driver_mismatch(void) {
    hailo_vdevice vd = NULL;
    CHECK_ST(hailo_create_vdevice(NULL, &vd), 76);
    hailo_device dev = NULL;
    CHECK_ST(hailo_create_device_by_id(NULL, &dev), 76);
    size_t n = 4;
    hailo_device_id_t ids[4];
    CHECK(hailo_scan_devices(NULL, ids, &n) == 0 && n == 1, "scan still works");
    return 0;
}

static int scenario_library_version(void) {
    hailo_version_t v;
    CHECK(hailo_get_library_version(&v) == 0 && v.major == 4 && v.minor == 20 && v.revision == 1, "overridden version");
    hailo_vdevice vd = NULL;
    CHECK_ST(hailo_create_vdevice(NULL, &vd), 0);  // the driver follows the library by default
    hailo_device devs[1];
    size_t n = 1;
    CHECK_ST(hailo_get_physical_devices(vd, devs, &n), 0);
    hailo_device_identity_t ident;
    CHECK(hailo_identify(devs[0], &ident) == 0 && ident.fw_version.minor == 20 && ident.fw_version.revision == 1,
          "firmware follows the library version");
    test_hef_containers(vd, 2, 26);
    CHECK_ST(hailo_release_vdevice(vd), 0);
    return 0;
}

static int scenario_hailo8l(void) {
    hailo_vdevice vd = create_default_vdevice();
    if (vd == NULL) return 0;
    uint8_t b[1024];
    size_t len = make_container(b, 2, 3, g_program);
    CHECK_ST(load_container(vd, b, len), 0);
    len = make_container(b, 2, 0, g_program);
    CHECK_ST(load_container(vd, b, len), 93);  // a Hailo-8L takes Hailo-8L HEFs only
    len = make_container(b, 2, 2, g_program);
    CHECK_ST(load_container(vd, b, len), 93);
    CHECK_ST(load_container(vd, (const uint8_t *)g_program, strlen(g_program)), 93);  // a bare program is a Hailo-8 one
    CHECK_ST(hailo_release_vdevice(vd), 0);
    return 0;
}

static int scenario_no_devices(void) {
    size_t n = 0;
    CHECK_ST(hailo_scan_devices(NULL, NULL, &n), 0);
    CHECK(n == 0, "no devices");
    hailo_vdevice vd = NULL;
    CHECK_ST(hailo_create_vdevice(NULL, &vd), 74);
    return 0;
}

static int scenario_no_device_node(void) {
    hailo_vdevice vd = NULL;
    CHECK_ST(hailo_create_vdevice(NULL, &vd), 36);
    hailo_device dev = NULL;
    CHECK_ST(hailo_create_device_by_id(NULL, &dev), 36);
    return 0;
}

static int scenario_health(void) {
    hailo_device dev = NULL;
    CHECK_ST(hailo_create_device_by_id(NULL, &dev), 0);
    hailo_chip_temperature_info_t t;
    CHECK(hailo_get_chip_temperature(dev, &t) == 0 && t.ts0_temperature == 80.0f && t.ts1_temperature == 81.25f,
          "temperature from HAILO_SIM_TEMPERATURE");
    bool thr = false;
    CHECK(hailo_get_throttling_state(dev, &thr) == 0 && thr, "throttling from HAILO_SIM_THROTTLING");
    float32_t w = 0;
    CHECK(hailo_power_measurement(dev, 0x7fffffff, 2, &w) == 0 && w == 2.5f, "power from HAILO_SIM_POWER_WATTS");
    // No alarm configured: registering a callback is fine and nothing is called.
    CHECK_ST(hailo_set_notification_callback(dev, alarm_cb, 1, NULL), 0);
    CHECK_ST(hailo_release_device(dev), 0);
    // Two boards in one vdevice run twice as fast.
    hailo_vdevice_params_t p;
    hailo_init_vdevice_params(&p);
    p.device_count = 2;
    hailo_vdevice vd = NULL;
    CHECK_ST(hailo_create_vdevice(&p, &vd), 0);
    if (vd != NULL) {
        double dt = time_slow_frames(vd, 5);
        CHECK(dt > 0.4 && dt < 0.9, "sim_slow on 2 boards: 5 frames took %.3f s (want ~0.5)", dt);
        CHECK_ST(hailo_release_vdevice(vd), 0);
    }
    CHECK(atomic_load(&g_alarm_calls) == 0, "no alarm without HAILO_SIM_TEMPERATURE_ALARM_MS");
    return 0;
}

// HAILO_SIM_FAULTS=read:5:63,create_vdevice:1:74,configure:0:8
static int scenario_faults_read(void) {
    hailo_vdevice vd = create_default_vdevice();
    if (vd == NULL) return 0;
    hailo_hef hef = NULL;
    CHECK_ST(hailo_create_hef_file(&hef, hef_path("sim_detector_small.hef")), 0);
    hailo_configured_network_group ng = NULL;
    size_t n = 1;
    CHECK_ST(hailo_configure_vdevice(vd, hef, NULL, &ng, &n), 8);  // configure:0:8
    CHECK_ST(hailo_release_hef(hef), 0);
    model_t m;
    if (open_model(vd, "sim_detector_small.hef", 0, 10000, 8, &m)) {
        uint8_t *f = malloc(m.in_size[0]), *got = malloc(m.out_size[0]);
        for (unsigned k = 0; k < 7; k++) {
            fill_frame(f, m.in_size[0], k);
            CHECK_ST(hailo_vstream_write_raw_buffer(m.in[0], f, m.in_size[0]), 0);
        }
        int ok = 0;
        hailo_status st = 0;
        for (int i = 0; i < 7; i++) {
            st = hailo_vstream_read_raw_buffer(m.out[0], got, m.out_size[0]);
            if (st != 0) break;
            ok++;
        }
        CHECK(ok == 5 && st == 63, "read:5:63: %d reads then %u", ok, st);
        CHECK_ST(hailo_vstream_read_raw_buffer(m.out[0], got, m.out_size[0]), 63);
        CHECK_ST(hailo_vstream_write_raw_buffer(m.in[0], f, m.in_size[0]), 63);
        free(f);
        free(got);
        close_model(&m);
    }
    CHECK_ST(hailo_release_vdevice(vd), 0);
    hailo_vdevice vd2 = NULL;
    CHECK_ST(hailo_create_vdevice(NULL, &vd2), 74);  // create_vdevice:1:74
    vd2 = create_default_vdevice();
    if (vd2 == NULL) return 0;
    if (open_model(vd2, "sim_detector_small.hef", 0, 10000, 2, &m)) {
        run_nms_frames(&m, 50, 10, 3, 5, "after the fault, on a new vdevice");
        close_model(&m);
    }
    CHECK_ST(hailo_release_vdevice(vd2), 0);
    return 0;
}

// HAILO_SIM_FAULTS=write:3:87
static int scenario_faults_write(void) {
    hailo_vdevice vd = create_default_vdevice();
    if (vd == NULL) return 0;
    model_t m;
    if (open_model(vd, "sim_detector_small.hef", 0, 10000, 2, &m)) {
        uint8_t *f = malloc(m.in_size[0]), *got = malloc(m.out_size[0]);
        for (unsigned k = 0; k < 2; k++) {
            fill_frame(f, m.in_size[0], k);
            CHECK_ST(hailo_vstream_write_raw_buffer(m.in[0], f, m.in_size[0]), 0);
            CHECK_ST(hailo_vstream_read_raw_buffer(m.out[0], got, m.out_size[0]), 0);
        }
        blocked_read_t b = {.out = m.out[0], .size = m.out_size[0]};
        pthread_t t;
        pthread_create(&t, NULL, blocked_read_main, &b);
        sleep_ms(50);
        CHECK_ST(hailo_vstream_write_raw_buffer(m.in[0], f, m.in_size[0]), 0);  // 3rd write succeeds
        pthread_join(t, NULL);
        CHECK(b.status == 0, "3rd frame read %u", b.status);
        pthread_create(&t, NULL, blocked_read_main, &b);
        sleep_ms(50);
        CHECK_ST(hailo_vstream_write_raw_buffer(m.in[0], f, m.in_size[0]), 87);
        pthread_join(t, NULL);
        CHECK(b.status == 87 && b.elapsed < 2.0, "blocked read woken with %u after %.3f s", b.status, b.elapsed);
        CHECK_ST(hailo_vstream_write_raw_buffer(m.in[0], f, m.in_size[0]), 87);
        free(f);
        free(got);
        close_model(&m);
    }
    CHECK_ST(hailo_release_vdevice(vd), 0);
    return 0;
}

// ---- driver --------------------------------------------------------------------------------------
typedef struct {
    const char *name;
    int (*run)(void);
    const char *env[6];
} scenario_t;

static const scenario_t g_scenarios[] = {
    {"main", scenario_main, {"HAILO_SIM_DEVICES=2", "HAILO_SIM_TEMPERATURE_ALARM_MS=50"}},
    {"hold", scenario_hold, {NULL}},  // spawned by "main" with main's environment
    {"driver_mismatch", scenario_driver_mismatch, {"HAILO_SIM_DRIVER_VERSION=4.22.0"}},
    {"library_version", scenario_library_version, {"HAILO_SIM_LIBRARY_VERSION=4.20.1"}},
    {"hailo8l", scenario_hailo8l, {"HAILO_SIM_ARCH=hailo8l"}},
    {"no_devices", scenario_no_devices, {"HAILO_SIM_DEVICES=0"}},
    {"no_device_node", scenario_no_device_node, {"HAILO_SIM_NO_DEVICE_NODE=1"}},
    {"health", scenario_health, {"HAILO_SIM_DEVICES=3", "HAILO_SIM_TEMPERATURE=80", "HAILO_SIM_THROTTLING=1", "HAILO_SIM_POWER_WATTS=2.5"}},
    {"faults_read", scenario_faults_read, {"HAILO_SIM_FAULTS=read:5:63,create_vdevice:1:74,configure:0:8"}},
    {"faults_write", scenario_faults_write, {"HAILO_SIM_FAULTS=write:3:87"}},
};
#define N_SCENARIOS (sizeof g_scenarios / sizeof g_scenarios[0])

static const char *const g_sim_vars[] = {
    "HAILO_SIM_DEVICES", "HAILO_SIM_LIBRARY_VERSION", "HAILO_SIM_DRIVER_VERSION", "HAILO_SIM_NO_DEVICE_NODE",
    "HAILO_SIM_TEMPERATURE", "HAILO_SIM_THROTTLING", "HAILO_SIM_POWER_WATTS", "HAILO_SIM_TEMPERATURE_ALARM_MS",
    "HAILO_SIM_FPS", "HAILO_SIM_FAULTS", "HAILO_SIM_ARCH",
};

static int run_in_child(const scenario_t *s, int *passed, int *failed) {
    int fds[2];
    if (pipe(fds) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        for (size_t i = 0; i < sizeof g_sim_vars / sizeof g_sim_vars[0]; i++) unsetenv(g_sim_vars[i]);
        for (int i = 0; s->env[i] != NULL; i++) putenv((char *)s->env[i]);
        char fd_text[16];
        snprintf(fd_text, sizeof fd_text, "%d", fds[1]);
        setenv("HAILO_SIM_SELFTEST_RESULT_FD", fd_text, 1);
        execl(g_self, g_self, g_lib, g_hefdir, "--scenario", s->name, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char buf[64] = {0};
    ssize_t r = 0, got;
    while (r < (ssize_t)sizeof buf - 1 && (got = read(fds[0], buf + r, sizeof buf - 1 - (size_t)r)) > 0) r += got;
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (r <= 0 || sscanf(buf, "%d %d", passed, failed) != 2) {
        printf("FAIL [%s] scenario did not report (exit status %d)\n", s->name, status);
        *passed = 0;
        *failed = 1;
        return -1;
    }
    if (!WIFEXITED(status)) {
        printf("FAIL [%s] scenario crashed (status %d)\n", s->name, status);
        (*failed)++;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s LIBRARY HEF_DIR\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    static char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) return 2;
    self[len] = '\0';
    g_self = self;
    g_lib = argv[1];
    g_hefdir = argv[2];

    if (argc == 5 && strcmp(argv[3], "--scenario") == 0) {
        g_scenario = argv[4];
        for (size_t i = 0; i < N_SCENARIOS; i++) {
            if (strcmp(g_scenarios[i].name, argv[4]) != 0) continue;
            if (!load_library()) return 1;
            int rc = g_scenarios[i].run();
            const char *fd_text = getenv("HAILO_SIM_SELFTEST_RESULT_FD");
            if (fd_text != NULL) {
                char out[64];
                int n = snprintf(out, sizeof out, "%d %d\n", g_passed, g_failed);
                if (write(atoi(fd_text), out, (size_t)n) != n) return 1;
            }
            return rc != 0 ? rc : (g_failed > 0 ? 1 : 0);
        }
        fprintf(stderr, "unknown scenario %s\n", argv[4]);
        return 2;
    }

    // Parent: a private state directory for the device locks, then every scenario but "hold".
    const char *tmp = getenv("TMPDIR");
    char state_dir[1024];
    snprintf(state_dir, sizeof state_dir, "%s/hailo-sim-selftest-XXXXXX", (tmp != NULL && *tmp != '\0') ? tmp : "/tmp");
    if (mkdtemp(state_dir) == NULL) {
        perror("mkdtemp");
        return 2;
    }
    setenv("HAILO_SIM_STATE_DIR", state_dir, 1);
    int total_passed = 0, total_failed = 0;
    for (size_t i = 0; i < N_SCENARIOS; i++) {
        if (strcmp(g_scenarios[i].name, "hold") == 0) continue;
        int p = 0, f = 0;
        double t0 = now_s();
        run_in_child(&g_scenarios[i], &p, &f);
        printf("%-16s %3d passed, %d failed (%.2f s)\n", g_scenarios[i].name, p, f, now_s() - t0);
        fflush(stdout);
        total_passed += p;
        total_failed += f;
    }
    for (int i = 1; i <= 3; i++) {
        char path[sizeof state_dir + 64];
        snprintf(path, sizeof path, "%s/hailo-sim-0000_%02x_00_0.lock", state_dir, i);
        unlink(path);
    }
    rmdir(state_dir);
    printf("%d passed, %d failed\n", total_passed, total_failed);
    return total_failed == 0 ? 0 : 1;
}
