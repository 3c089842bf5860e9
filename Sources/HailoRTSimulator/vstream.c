// Network groups, vstreams and the per-vdevice scheduler thread that turns complete input frames
// into deterministic output frames (see docs/hailo-simulator.md).
//
// Locking: one mutex per vdevice (vd->mu) guards its groups, their vstreams and queues; one
// condition variable (vd->cv) is broadcast on every change, and every waiter re-checks its state.
#include "sim_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct sim_vstream {
    uint32_t magic;
    int direction;
    struct _hailo_configured_network_group *ng;
    int slot;                   // index in ng->inputs / ng->outputs (name-sorted)
    const sim_layer_t *layer;   // points into ng->model
    hailo_vstream_params_t params;
    bool dequantize;            // plain output delivered as FLOAT32
    size_t frame_size;          // user frame size
    uint32_t capacity, head, count;
    uint8_t *ring;
    int users;                  // threads inside read/write
    bool releasing;
    float score_threshold;
    float iou_threshold;
    uint32_t max_proposals;
};

struct _hailo_input_vstream { sim_vstream_t s; };
struct _hailo_output_vstream { sim_vstream_t s; };

static bool ng_ok(hailo_configured_network_group ng) { return ng != NULL && ng->magic == SIM_MAGIC_NG; }

static sim_vstream_t *vs_check(const void *handle, int direction) {
    sim_vstream_t *vs = (sim_vstream_t *)handle;
    if (vs == NULL || vs->magic != SIM_MAGIC_VS || vs->direction != direction) return NULL;
    return vs;
}

static void vs_free(sim_vstream_t *vs) {
    if (vs == NULL) return;
    vs->magic = 0;
    free(vs->ring);
    free(vs);
}

// ---- scheduler -----------------------------------------------------------------------------------
static bool group_ready(const struct _hailo_configured_network_group *ng) {
    if (ng->shutdown || ng->model.n_inputs == 0) return false;
    for (int i = 0; i < ng->model.n_inputs; i++) {
        const sim_vstream_t *in = ng->inputs[i];
        if (in == NULL || in->releasing || in->count == 0) return false;
    }
    for (int i = 0; i < ng->model.n_outputs; i++) {
        const sim_vstream_t *out = ng->outputs[i];
        if (out != NULL && out->count >= out->capacity) return false;  // back-pressure
    }
    return true;
}

static struct _hailo_configured_network_group *pick_group(struct _hailo_vdevice *vd) {
    if (vd->fault != ST_SUCCESS || vd->group_count == 0 || vd->scheduling_algorithm == 0) return NULL;
    for (int k = 0; k < vd->group_count; k++) {
        int idx = (vd->rr_cursor + k) % vd->group_count;
        struct _hailo_configured_network_group *ng = vd->groups;
        for (int j = 0; j < idx && ng != NULL; j++) ng = ng->next;
        if (ng != NULL && group_ready(ng)) {
            vd->rr_cursor = (idx + 1) % vd->group_count;
            return ng;
        }
    }
    return NULL;
}

static void write_f32(uint8_t *dst, float v) { memcpy(dst, &v, sizeof v); }

static void compute_output(const sim_vstream_t *vs, const uint8_t *in0, size_t in0_len, uint64_t in0_sum, uint8_t *dst) {
    const sim_layer_t *l = vs->layer;
    if (l->kind == LAYER_NMS) {
        memset(dst, 0, vs->frame_size);
        uint32_t cls = (uint32_t)(in0_sum % l->classes);
        uint32_t count = 1u + (uint32_t)(in0[0] % 3u);
        if (count > l->max_per_class) count = l->max_per_class;
        if (count > vs->max_proposals) count = vs->max_proposals;
        uint8_t *p = dst + 4u * (size_t)cls;  // every class before `cls` has count 0 (4 zero bytes)
        uint8_t *box = p + 4;
        uint32_t kept = 0;
        for (uint32_t j = 0; j < count; j++) {
            float score = (float)(0.90 - 0.10 * j);
            if (score < vs->score_threshold) continue;
            write_f32(box + 0, (float)(0.10 + 0.10 * j));
            write_f32(box + 4, (float)0.20);
            write_f32(box + 8, (float)(0.50 + 0.10 * j));
            write_f32(box + 12, (float)(0.60 + 0.05 * j));
            write_f32(box + 16, score);
            box += 20;
            kept++;
        }
        write_f32(p, (float)kept);
        return;
    }
    size_t n = (size_t)l->height * l->width * l->features;
    if (!vs->dequantize) {
        for (size_t i = 0; i < n; i++) dst[i] = in0[i % in0_len];
        return;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t f = (uint32_t)(i % l->features);
        float zp = l->per_channel ? l->zp + (float)f : l->zp;
        float v = ((float)in0[i % in0_len] - zp) * l->scale;
        write_f32(dst + 4 * i, v);
    }
}

static void *scheduler_main(void *arg) {
    struct _hailo_vdevice *vd = arg;
    uint8_t *scratch = NULL;
    size_t scratch_cap = 0;
    pthread_mutex_lock(&vd->mu);
    while (!vd->stop) {
        struct _hailo_configured_network_group *ng = pick_group(vd);
        if (ng == NULL) {
            pthread_cond_wait(&vd->cv, &vd->mu);
            continue;
        }
        // Take frame k from every input (the first input by name feeds the outputs).
        sim_vstream_t *in0 = ng->inputs[0];
        if (scratch_cap < in0->frame_size) {
            uint8_t *nb = realloc(scratch, in0->frame_size);
            if (nb == NULL) {  // keep the frame queued and retry later
                struct timespec later = sim_deadline_ms(10);
                sim_cond_wait_until(&vd->cv, &vd->mu, &later, false);
                continue;
            }
            scratch = nb;
            scratch_cap = in0->frame_size;
        }
        size_t in0_len = in0->frame_size;
        memcpy(scratch, in0->ring + (size_t)in0->head * in0->frame_size, in0_len);
        for (int i = 0; i < ng->model.n_inputs; i++) {
            sim_vstream_t *in = ng->inputs[i];
            in->head = (in->head + 1) % in->capacity;
            in->count--;
        }
        pthread_cond_broadcast(&vd->cv);

        double fps = ng->model.fps;
        if (fps > 0) {
            struct timespec deadline = sim_deadline_ms(1000.0 / (fps * vd->device_count));
            while (!vd->stop) {
                if (sim_cond_wait_until(&vd->cv, &vd->mu, &deadline, false) == ETIMEDOUT) break;
            }
            if (vd->stop) break;
        }
        if (ng->shutdown || vd->fault != ST_SUCCESS) continue;  // the frame is dropped

        // Only NMS outputs use the sum: a model without one costs no time per byte here.
        uint64_t sum = 0;
        bool needs_sum = false;
        for (int j = 0; j < ng->model.n_outputs; j++) {
            if (ng->outputs[j] != NULL && ng->outputs[j]->layer->kind == LAYER_NMS) needs_sum = true;
        }
        for (size_t i = 0; needs_sum && i < in0_len; i++) sum += scratch[i];
        for (int j = 0; j < ng->model.n_outputs; j++) {
            sim_vstream_t *out = ng->outputs[j];
            if (out == NULL || out->releasing || out->count >= out->capacity) continue;
            uint32_t tail = (out->head + out->count) % out->capacity;
            compute_output(out, scratch, in0_len, sum, out->ring + (size_t)tail * out->frame_size);
            out->count++;
        }
        ng->frames_done++;
        pthread_cond_broadcast(&vd->cv);
    }
    pthread_mutex_unlock(&vd->mu);
    free(scratch);
    return NULL;
}

SIM_HIDDEN hailo_status sim_scheduler_start(struct _hailo_vdevice *vd) {
    if (pthread_create(&vd->scheduler, NULL, scheduler_main, vd) != 0) return ST_INTERNAL_FAILURE;
    vd->scheduler_started = true;
    return ST_SUCCESS;
}

static bool any_users(const struct _hailo_vdevice *vd) {
    for (const struct _hailo_configured_network_group *ng = vd->groups; ng != NULL; ng = ng->next) {
        for (int i = 0; i < ng->model.n_inputs; i++) {
            if (ng->inputs[i] != NULL && ng->inputs[i]->users > 0) return true;
        }
        for (int i = 0; i < ng->model.n_outputs; i++) {
            if (ng->outputs[i] != NULL && ng->outputs[i]->users > 0) return true;
        }
    }
    return false;
}

SIM_HIDDEN void sim_vdevice_teardown_groups(struct _hailo_vdevice *vd) {
    pthread_mutex_lock(&vd->mu);
    vd->stop = true;
    for (struct _hailo_configured_network_group *ng = vd->groups; ng != NULL; ng = ng->next) ng->shutdown = true;
    pthread_cond_broadcast(&vd->cv);
    while (any_users(vd)) pthread_cond_wait(&vd->cv, &vd->mu);
    pthread_mutex_unlock(&vd->mu);
    if (vd->scheduler_started) {
        pthread_join(vd->scheduler, NULL);
        vd->scheduler_started = false;
    }
    struct _hailo_configured_network_group *ng = vd->groups;
    while (ng != NULL) {
        struct _hailo_configured_network_group *next = ng->next;
        for (int i = 0; i < ng->model.n_inputs; i++) vs_free(ng->inputs[i]);
        for (int i = 0; i < ng->model.n_outputs; i++) vs_free(ng->outputs[i]);
        ng->magic = 0;
        free(ng);
        ng = next;
    }
    vd->groups = NULL;
    vd->group_count = 0;
}

// ---- network group calls -----------------------------------------------------------------------
static hailo_status scheduler_setter_check(hailo_configured_network_group ng, const char *network_name) {
    if (!ng_ok(ng)) return ST_INVALID_ARGUMENT;
    if (network_name != NULL) return ST_NOT_IMPLEMENTED;
    if (ng->vd->scheduling_algorithm == 0) return ST_INVALID_OPERATION;
    return ST_SUCCESS;
}

SIM_EXPORT hailo_status hailo_set_scheduler_timeout(hailo_configured_network_group ng, uint32_t timeout_ms, const char *network_name) {
    hailo_status st = scheduler_setter_check(ng, network_name);
    if (st != ST_SUCCESS) return st;
    pthread_mutex_lock(&ng->vd->mu);
    ng->scheduler_timeout_ms = timeout_ms;
    pthread_mutex_unlock(&ng->vd->mu);
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_set_scheduler_timeout);

SIM_EXPORT hailo_status hailo_set_scheduler_threshold(hailo_configured_network_group ng, uint32_t threshold, const char *network_name) {
    hailo_status st = scheduler_setter_check(ng, network_name);
    if (st != ST_SUCCESS) return st;
    pthread_mutex_lock(&ng->vd->mu);
    ng->scheduler_threshold = threshold;
    pthread_mutex_unlock(&ng->vd->mu);
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_set_scheduler_threshold);

SIM_EXPORT hailo_status hailo_set_scheduler_priority(hailo_configured_network_group ng, uint8_t priority, const char *network_name) {
    hailo_status st = scheduler_setter_check(ng, network_name);
    if (st != ST_SUCCESS) return st;
    if (priority > 31) return ST_INVALID_ARGUMENT;
    pthread_mutex_lock(&ng->vd->mu);
    ng->scheduler_priority = priority;
    pthread_mutex_unlock(&ng->vd->mu);
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_set_scheduler_priority);

SIM_EXPORT hailo_status hailo_shutdown_network_group(hailo_configured_network_group ng) {
    if (!ng_ok(ng)) return ST_INVALID_ARGUMENT;
    pthread_mutex_lock(&ng->vd->mu);
    ng->shutdown = true;
    pthread_cond_broadcast(&ng->vd->cv);
    pthread_mutex_unlock(&ng->vd->mu);
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_shutdown_network_group);

// ---- vstream params ----------------------------------------------------------------------------
static void default_params(hailo_format_type_t type, hailo_vstream_params_t *p) {
    memset(p, 0, sizeof *p);
    p->user_buffer_format = (hailo_format_t){type, ORDER_AUTO, 0};
    p->timeout_ms = 10000;
    p->queue_size = 2;
}

SIM_EXPORT hailo_status hailo_make_input_vstream_params(hailo_configured_network_group ng, bool unused, hailo_format_type_t format_type,
                                                        hailo_input_vstream_params_by_name_t *input_params, size_t *input_params_count) {
    (void)unused;
    if (!ng_ok(ng) || input_params_count == NULL) return ST_INVALID_ARGUMENT;
    size_t n = (size_t)ng->model.n_inputs;
    if (*input_params_count < n || input_params == NULL) {
        *input_params_count = n;
        return ST_INSUFFICIENT_BUFFER;
    }
    for (size_t i = 0; i < n; i++) {
        memset(&input_params[i], 0, sizeof input_params[i]);
        memcpy(input_params[i].name, ng->model.inputs[i].name, sizeof input_params[i].name);
        default_params(format_type, &input_params[i].params);
    }
    *input_params_count = n;
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_make_input_vstream_params);

SIM_EXPORT hailo_status hailo_make_output_vstream_params(hailo_configured_network_group ng, bool unused, hailo_format_type_t format_type,
                                                         hailo_output_vstream_params_by_name_t *output_params, size_t *output_params_count) {
    (void)unused;
    if (!ng_ok(ng) || output_params_count == NULL) return ST_INVALID_ARGUMENT;
    size_t n = (size_t)ng->model.n_outputs;
    if (*output_params_count < n || output_params == NULL) {
        *output_params_count = n;
        return ST_INSUFFICIENT_BUFFER;
    }
    for (size_t i = 0; i < n; i++) {
        memset(&output_params[i], 0, sizeof output_params[i]);
        memcpy(output_params[i].name, ng->model.outputs[i].name, sizeof output_params[i].name);
        default_params(format_type, &output_params[i].params);
    }
    *output_params_count = n;
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_make_output_vstream_params);

// ---- vstream creation --------------------------------------------------------------------------
static int find_slot(const sim_layer_t *layers, int n, const char name[HAILO_MAX_STREAM_NAME_SIZE]) {
    for (int i = 0; i < n; i++) {
        if (strncmp(layers[i].name, name, HAILO_MAX_STREAM_NAME_SIZE) == 0) return i;
    }
    return -1;
}

// Validates the user format of one vstream and fills its user frame size. Returns 0 or a status.
static hailo_status validate_format(const sim_layer_t *l, const hailo_format_t *fmt, bool *dequantize, size_t *frame_size) {
    *dequantize = false;
    if (l->kind == LAYER_INPUT) {
        if (fmt->type != FMT_AUTO && fmt->type != FMT_UINT8) return ST_INVALID_ARGUMENT;
        bool one = l->height == 1 && l->width == 1;
        if (fmt->order != ORDER_AUTO && fmt->order != ORDER_NHWC && !(one && fmt->order == ORDER_NC)) return ST_INVALID_ARGUMENT;
        *frame_size = sim_layer_device_frame_size(l);
        return ST_SUCCESS;
    }
    if (l->kind == LAYER_NMS) {
        if (fmt->type != FMT_AUTO && fmt->type != FMT_FLOAT32) return ST_INVALID_ARGUMENT;
        if (fmt->order == ORDER_NMS_BY_SCORE) return ST_NOT_SUPPORTED;
        if (fmt->order != ORDER_AUTO && fmt->order != ORDER_NMS_BY_CLASS) return ST_INVALID_ARGUMENT;
        *frame_size = sim_layer_device_frame_size(l);
        return ST_SUCCESS;
    }
    if (fmt->type != FMT_AUTO && fmt->type != FMT_UINT8 && fmt->type != FMT_FLOAT32) return ST_INVALID_ARGUMENT;
    bool one = l->height == 1 && l->width == 1;
    if (fmt->order != ORDER_AUTO && fmt->order != ORDER_NHWC && !(one && fmt->order == ORDER_NC)) return ST_INVALID_ARGUMENT;
    *dequantize = fmt->type == FMT_FLOAT32;
    *frame_size = sim_layer_device_frame_size(l) * (*dequantize ? 4u : 1u);
    return ST_SUCCESS;
}

// Shared by input and output creation. `params` is an array of by-name entries with `stride` bytes
// (both by-name structs are {char name[128]; hailo_vstream_params_t params;}).
static hailo_status create_vstreams(hailo_configured_network_group ng, int direction, const void *params_array, size_t count,
                                    void **handles_out) {
    if (!ng_ok(ng) || params_array == NULL || handles_out == NULL || count == 0) return ST_INVALID_ARGUMENT;
    const sim_layer_t *layers = direction == DIR_H2D ? ng->model.inputs : ng->model.outputs;
    int n_layers = direction == DIR_H2D ? ng->model.n_inputs : ng->model.n_outputs;
    if (count > (size_t)n_layers) return ST_INVALID_ARGUMENT;

    sim_vstream_t *by_slot[SIM_MAX_LAYERS];
    memset(by_slot, 0, sizeof by_slot);
    hailo_status st = ST_SUCCESS;
    for (size_t i = 0; i < count && st == ST_SUCCESS; i++) {
        const hailo_input_vstream_params_by_name_t *entry = (const hailo_input_vstream_params_by_name_t *)params_array + i;
        int slot = find_slot(layers, n_layers, entry->name);
        if (slot < 0) {
            st = ST_NOT_FOUND;
            break;
        }
        if (by_slot[slot] != NULL) {
            st = ST_INVALID_ARGUMENT;  // the same vstream twice
            break;
        }
        bool dequantize = false;
        size_t frame_size = 0;
        st = validate_format(&layers[slot], &entry->params.user_buffer_format, &dequantize, &frame_size);
        if (st != ST_SUCCESS) break;
        sim_vstream_t *vs = calloc(1, direction == DIR_H2D ? sizeof(struct _hailo_input_vstream) : sizeof(struct _hailo_output_vstream));
        if (vs == NULL) {
            st = ST_OUT_OF_HOST_MEMORY;
            break;
        }
        vs->direction = direction;
        vs->ng = ng;
        vs->slot = slot;
        vs->layer = &layers[slot];
        vs->params = entry->params;
        vs->dequantize = dequantize;
        vs->frame_size = frame_size;
        vs->capacity = entry->params.queue_size == 0 ? 1 : entry->params.queue_size;
        if (vs->capacity > 1024) vs->capacity = 1024;
        vs->score_threshold = 0.0f;
        vs->iou_threshold = 0.5f;
        vs->max_proposals = UINT32_MAX;
        vs->ring = malloc(frame_size * vs->capacity);
        by_slot[slot] = vs;
        if (vs->ring == NULL) {
            st = ST_OUT_OF_HOST_MEMORY;
            break;
        }
        vs->magic = SIM_MAGIC_VS;
    }
    if (st == ST_SUCCESS) {
        struct _hailo_vdevice *vd = ng->vd;
        sim_vstream_t **table = direction == DIR_H2D ? ng->inputs : ng->outputs;
        pthread_mutex_lock(&vd->mu);
        for (int s = 0; s < n_layers; s++) {
            if (by_slot[s] != NULL && table[s] != NULL) st = ST_INVALID_OPERATION;  // already created
        }
        if (st == ST_SUCCESS) {
            size_t k = 0;
            for (int s = 0; s < n_layers; s++) {  // handles in name-sorted order
                if (by_slot[s] == NULL) continue;
                table[s] = by_slot[s];
                handles_out[k++] = by_slot[s];
            }
            pthread_cond_broadcast(&vd->cv);
        }
        pthread_mutex_unlock(&vd->mu);
    }
    if (st != ST_SUCCESS) {
        for (int s = 0; s < n_layers; s++) vs_free(by_slot[s]);
    }
    return st;
}

SIM_EXPORT hailo_status hailo_create_input_vstreams(hailo_configured_network_group ng, const hailo_input_vstream_params_by_name_t *inputs_params,
                                                    size_t inputs_count, hailo_input_vstream *input_vstreams) {
    _Static_assert(sizeof(hailo_input_vstream_params_by_name_t) == sizeof(hailo_output_vstream_params_by_name_t), "by-name layouts");
    return create_vstreams(ng, DIR_H2D, inputs_params, inputs_count, (void **)input_vstreams);
}
SIM_CHECK_TYPE(hailo_create_input_vstreams);

SIM_EXPORT hailo_status hailo_create_output_vstreams(hailo_configured_network_group ng, const hailo_output_vstream_params_by_name_t *outputs_params,
                                                     size_t outputs_count, hailo_output_vstream *output_vstreams) {
    return create_vstreams(ng, DIR_D2H, outputs_params, outputs_count, (void **)output_vstreams);
}
SIM_CHECK_TYPE(hailo_create_output_vstreams);

static hailo_status release_vstreams(void *const *handles, size_t count, int direction) {
    if (handles == NULL && count > 0) return ST_INVALID_ARGUMENT;
    hailo_status result = ST_SUCCESS;
    for (size_t i = 0; i < count; i++) {
        sim_vstream_t *vs = vs_check(handles[i], direction);
        if (vs == NULL) {
            result = ST_INVALID_ARGUMENT;
            continue;
        }
        struct _hailo_vdevice *vd = vs->ng->vd;
        pthread_mutex_lock(&vd->mu);
        vs->releasing = true;  // blocked readers/writers return HAILO_STREAM_ABORT
        pthread_cond_broadcast(&vd->cv);
        while (vs->users > 0) pthread_cond_wait(&vd->cv, &vd->mu);
        sim_vstream_t **table = direction == DIR_H2D ? vs->ng->inputs : vs->ng->outputs;
        if (table[vs->slot] == vs) table[vs->slot] = NULL;
        vs->magic = 0;
        pthread_cond_broadcast(&vd->cv);
        pthread_mutex_unlock(&vd->mu);
        vs_free(vs);
    }
    return result;
}

SIM_EXPORT hailo_status hailo_release_input_vstreams(const hailo_input_vstream *input_vstreams, size_t inputs_count) {
    return release_vstreams((void *const *)input_vstreams, inputs_count, DIR_H2D);
}
SIM_CHECK_TYPE(hailo_release_input_vstreams);

SIM_EXPORT hailo_status hailo_release_output_vstreams(const hailo_output_vstream *output_vstreams, size_t outputs_count) {
    return release_vstreams((void *const *)output_vstreams, outputs_count, DIR_D2H);
}
SIM_CHECK_TYPE(hailo_release_output_vstreams);

// ---- vstream queries ---------------------------------------------------------------------------
SIM_EXPORT hailo_status hailo_get_input_vstream_frame_size(hailo_input_vstream vstream, size_t *frame_size) {
    sim_vstream_t *vs = vs_check(vstream, DIR_H2D);
    if (vs == NULL || frame_size == NULL) return ST_INVALID_ARGUMENT;
    *frame_size = vs->frame_size;
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_get_input_vstream_frame_size);

SIM_EXPORT hailo_status hailo_get_output_vstream_frame_size(hailo_output_vstream vstream, size_t *frame_size) {
    sim_vstream_t *vs = vs_check(vstream, DIR_D2H);
    if (vs == NULL || frame_size == NULL) return ST_INVALID_ARGUMENT;
    *frame_size = vs->frame_size;
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_get_output_vstream_frame_size);

SIM_EXPORT hailo_status hailo_get_input_vstream_info(hailo_input_vstream vstream, hailo_vstream_info_t *info) {
    sim_vstream_t *vs = vs_check(vstream, DIR_H2D);
    if (vs == NULL || info == NULL) return ST_INVALID_ARGUMENT;
    sim_layer_vstream_info(&vs->ng->model, vs->layer, info);
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_get_input_vstream_info);

SIM_EXPORT hailo_status hailo_get_output_vstream_info(hailo_output_vstream vstream, hailo_vstream_info_t *info) {
    sim_vstream_t *vs = vs_check(vstream, DIR_D2H);
    if (vs == NULL || info == NULL) return ST_INVALID_ARGUMENT;
    sim_layer_vstream_info(&vs->ng->model, vs->layer, info);
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_get_output_vstream_info);

SIM_EXPORT hailo_status hailo_get_output_vstream_quant_infos(hailo_output_vstream vstream, hailo_quant_info_t *quant_infos,
                                                             size_t *quant_infos_count) {
    sim_vstream_t *vs = vs_check(vstream, DIR_D2H);
    if (vs == NULL || quant_infos_count == NULL) return ST_INVALID_ARGUMENT;
    const sim_layer_t *l = vs->layer;
    size_t n = (l->kind == LAYER_OUTPUT && l->per_channel) ? l->features : 1;
    if (*quant_infos_count < n || quant_infos == NULL) {
        *quant_infos_count = n;
        return ST_INSUFFICIENT_BUFFER;
    }
    if (l->kind == LAYER_NMS) {
        quant_infos[0] = (hailo_quant_info_t){0.0f, 1.0f, 0.0f, 0.0f};
    } else if (!l->per_channel) {
        quant_infos[0] = (hailo_quant_info_t){l->zp, l->scale, 0.0f, 255.0f};
    } else {
        for (size_t f = 0; f < n; f++) quant_infos[f] = (hailo_quant_info_t){l->zp + (float)f, l->scale, 0.0f, 255.0f};
    }
    *quant_infos_count = n;
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_get_output_vstream_quant_infos);

// ---- NMS setters -------------------------------------------------------------------------------
static hailo_status nms_vstream(hailo_output_vstream vstream, sim_vstream_t **out) {
    sim_vstream_t *vs = vs_check(vstream, DIR_D2H);
    if (vs == NULL) return ST_INVALID_ARGUMENT;
    if (vs->layer->kind != LAYER_NMS) return ST_INVALID_OPERATION;
    *out = vs;
    return ST_SUCCESS;
}

SIM_EXPORT hailo_status hailo_vstream_set_nms_score_threshold(hailo_output_vstream vstream, float32_t threshold) {
    sim_vstream_t *vs = NULL;
    hailo_status st = nms_vstream(vstream, &vs);
    if (st != ST_SUCCESS) return st;
    pthread_mutex_lock(&vs->ng->vd->mu);
    vs->score_threshold = threshold;
    pthread_mutex_unlock(&vs->ng->vd->mu);
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_vstream_set_nms_score_threshold);

SIM_EXPORT hailo_status hailo_vstream_set_nms_iou_threshold(hailo_output_vstream vstream, float32_t threshold) {
    sim_vstream_t *vs = NULL;
    hailo_status st = nms_vstream(vstream, &vs);
    if (st != ST_SUCCESS) return st;
    pthread_mutex_lock(&vs->ng->vd->mu);
    vs->iou_threshold = threshold;
    pthread_mutex_unlock(&vs->ng->vd->mu);
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_vstream_set_nms_iou_threshold);

SIM_EXPORT hailo_status hailo_vstream_set_nms_max_proposals_per_class(hailo_output_vstream vstream, uint32_t max_proposals_per_class) {
    sim_vstream_t *vs = NULL;
    hailo_status st = nms_vstream(vstream, &vs);
    if (st != ST_SUCCESS) return st;
    pthread_mutex_lock(&vs->ng->vd->mu);
    vs->max_proposals = max_proposals_per_class;
    pthread_mutex_unlock(&vs->ng->vd->mu);
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_vstream_set_nms_max_proposals_per_class);

// ---- inference I/O -----------------------------------------------------------------------------
// Why I/O on this vstream cannot proceed right now (0: it can). Called with vd->mu held.
static hailo_status io_blocker(const sim_vstream_t *vs) {
    const struct _hailo_vdevice *vd = vs->ng->vd;
    if (vs->releasing || vs->ng->shutdown || vd->stop) return ST_STREAM_ABORT;
    if (vd->fault != ST_SUCCESS) return vd->fault;
    if (vd->scheduling_algorithm == 0) return ST_NETWORK_GROUP_NOT_ACTIVATED;  // no activation API here
    return ST_SUCCESS;
}

static hailo_status do_io(sim_vstream_t *vs, int point, void *read_buf, const void *write_buf) {
    struct _hailo_vdevice *vd = vs->ng->vd;
    pthread_mutex_lock(&vd->mu);
    hailo_status st = io_blocker(vs);
    if (st == ST_SUCCESS) {
        st = sim_fault_check(point);
        if (st != ST_SUCCESS) {
            vd->fault = st;  // the vdevice stays faulted until released
            pthread_cond_broadcast(&vd->cv);
        }
    }
    if (st != ST_SUCCESS) {
        pthread_mutex_unlock(&vd->mu);
        return st;
    }
    vs->users++;
    bool infinite = vs->params.timeout_ms == SIM_INFINITE;
    struct timespec deadline = sim_deadline_ms((double)vs->params.timeout_ms);
    bool timed_out = false;
    for (;;) {
        st = io_blocker(vs);
        if (st != ST_SUCCESS) break;
        bool ready = point == FAULT_WRITE ? vs->count < vs->capacity : vs->count > 0;
        if (ready) break;
        if (timed_out) {
            st = ST_TIMEOUT;
            break;
        }
        if (sim_cond_wait_until(&vd->cv, &vd->mu, &deadline, infinite) == ETIMEDOUT) timed_out = true;
    }
    if (st == ST_SUCCESS) {
        if (point == FAULT_WRITE) {
            uint32_t tail = (vs->head + vs->count) % vs->capacity;
            memcpy(vs->ring + (size_t)tail * vs->frame_size, write_buf, vs->frame_size);
            vs->count++;
        } else {
            memcpy(read_buf, vs->ring + (size_t)vs->head * vs->frame_size, vs->frame_size);
            vs->head = (vs->head + 1) % vs->capacity;
            vs->count--;
        }
        sim_fault_count_success(point);
    }
    vs->users--;
    pthread_cond_broadcast(&vd->cv);
    pthread_mutex_unlock(&vd->mu);
    return st;
}

SIM_EXPORT hailo_status hailo_vstream_write_raw_buffer(hailo_input_vstream vstream, const void *buffer, size_t buffer_size) {
    sim_vstream_t *vs = vs_check(vstream, DIR_H2D);
    if (vs == NULL || buffer == NULL || buffer_size != vs->frame_size) return ST_INVALID_ARGUMENT;
    return do_io(vs, FAULT_WRITE, NULL, buffer);
}
SIM_CHECK_TYPE(hailo_vstream_write_raw_buffer);

SIM_EXPORT hailo_status hailo_vstream_read_raw_buffer(hailo_output_vstream vstream, void *buffer, size_t buffer_size) {
    sim_vstream_t *vs = vs_check(vstream, DIR_D2H);
    if (vs == NULL || buffer == NULL || buffer_size != vs->frame_size) return ST_INVALID_ARGUMENT;
    return do_io(vs, FAULT_READ, buffer, NULL);
}
SIM_CHECK_TYPE(hailo_vstream_read_raw_buffer);
