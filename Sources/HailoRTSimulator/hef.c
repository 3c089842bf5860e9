// Simulated HEF files: a small text format, bare or inside a HEF container (hef_container.c; see
// docs/hailo-simulator.md), and the HEF queries.
#include "sim_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIM_HEF_MAGIC "HAILO-SIM-HEF 1"
#define SIM_MAX_DIM 65536u
#define SIM_MAX_FRAME_BYTES (512u * 1024u * 1024u)
#define SIM_MAX_TOKENS 16

static bool parse_u32(const char *s, uint32_t *out) {
    if (s == NULL || !isdigit((unsigned char)s[0])) {
        return false;
    }
    errno = 0;
    char *end = NULL;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > 0xFFFFFFFFull) {
        return false;
    }
    *out = (uint32_t)v;
    return true;
}

static bool parse_float(const char *s, double *out) {
    if (s == NULL || *s == '\0') {
        return false;
    }
    errno = 0;
    char *end = NULL;
    double v = strtod(s, &end);
    if (errno != 0 || *end != '\0' || !isfinite(v)) {
        return false;
    }
    *out = v;
    return true;
}

static bool dims_ok(uint32_t a, uint32_t b, uint32_t c) {
    if (a == 0 || b == 0 || c == 0 || a > SIM_MAX_DIM || b > SIM_MAX_DIM || c > SIM_MAX_DIM) {
        return false;
    }
    return (uint64_t)a * b * c * 4u <= SIM_MAX_FRAME_BYTES;
}

static bool name_ok(const char *name) {
    return strlen(name) < HAILO_MAX_STREAM_NAME_SIZE;
}

static bool name_taken(const sim_model_t *m, const char *name) {
    for (int i = 0; i < m->n_inputs; i++) {
        if (strcmp(m->inputs[i].name, name) == 0) return true;
    }
    for (int i = 0; i < m->n_outputs; i++) {
        if (strcmp(m->outputs[i].name, name) == 0) return true;
    }
    return false;
}

// Parses one tokenized line into the model. Returns 0 or a hailo_status.
static hailo_status parse_line(char **tok, int n, sim_model_t *m, bool *have_group, bool *have_fps) {
    const char *kw = tok[0];
    if (strcmp(kw, "network_group") == 0) {
        if (n != 2 || !name_ok(tok[1])) return ST_HEF_FILE_CORRUPTED;
        if (*have_group) return ST_INVALID_HEF;  // one network group per file
        snprintf(m->name, sizeof m->name, "%s", tok[1]);
        *have_group = true;
        return ST_SUCCESS;
    }
    if (strcmp(kw, "arch") == 0) {
        if (n != 2) return ST_HEF_FILE_CORRUPTED;
        if (strcmp(tok[1], "hailo8") == 0) m->hw_arch = HW_ARCH_HAILO8;
        else if (strcmp(tok[1], "hailo8l") == 0) m->hw_arch = HW_ARCH_HAILO8L;
        else if (strcmp(tok[1], "hailo15h") == 0) m->hw_arch = HW_ARCH_HAILO15H;
        else return ST_HEF_FILE_CORRUPTED;
        return ST_SUCCESS;
    }
    if (strcmp(kw, "fps") == 0) {
        double fps;
        if (n != 2 || !parse_float(tok[1], &fps) || fps < 0) return ST_HEF_FILE_CORRUPTED;
        m->fps = fps;
        *have_fps = true;
        return ST_SUCCESS;
    }
    if (strcmp(kw, "input") == 0) {
        sim_layer_t l;
        memset(&l, 0, sizeof l);
        if (n != 5 || !name_ok(tok[1]) || !parse_u32(tok[2], &l.height) || !parse_u32(tok[3], &l.width) ||
            !parse_u32(tok[4], &l.features) || !dims_ok(l.height, l.width, l.features) || name_taken(m, tok[1])) {
            return ST_HEF_FILE_CORRUPTED;
        }
        if (m->n_inputs >= SIM_MAX_LAYERS) return ST_INVALID_HEF;
        snprintf(l.name, sizeof l.name, "%s", tok[1]);
        l.kind = LAYER_INPUT;
        l.zp = 0.0f;
        l.scale = 1.0f;
        m->inputs[m->n_inputs++] = l;
        return ST_SUCCESS;
    }
    if (strcmp(kw, "output_nms") == 0) {
        sim_layer_t l;
        memset(&l, 0, sizeof l);
        if (n != 4 || !name_ok(tok[1]) || !parse_u32(tok[2], &l.classes) || !parse_u32(tok[3], &l.max_per_class) ||
            l.classes == 0 || l.max_per_class == 0 || l.classes > SIM_MAX_DIM || l.max_per_class > SIM_MAX_DIM ||
            (uint64_t)l.classes * (1u + 5u * (uint64_t)l.max_per_class) * 4u > SIM_MAX_FRAME_BYTES ||
            name_taken(m, tok[1])) {
            return ST_HEF_FILE_CORRUPTED;
        }
        if (m->n_outputs >= SIM_MAX_LAYERS) return ST_INVALID_HEF;
        snprintf(l.name, sizeof l.name, "%s", tok[1]);
        l.kind = LAYER_NMS;
        m->outputs[m->n_outputs++] = l;
        return ST_SUCCESS;
    }
    if (strcmp(kw, "output") == 0) {
        sim_layer_t l;
        memset(&l, 0, sizeof l);
        double zp, scale;
        if ((n != 7 && n != 8) || !name_ok(tok[1]) || !parse_u32(tok[2], &l.height) || !parse_u32(tok[3], &l.width) ||
            !parse_u32(tok[4], &l.features) || !dims_ok(l.height, l.width, l.features) ||
            !parse_float(tok[5], &zp) || !parse_float(tok[6], &scale) || name_taken(m, tok[1])) {
            return ST_HEF_FILE_CORRUPTED;
        }
        if (n == 8) {
            if (strcmp(tok[7], "per_channel") != 0) return ST_HEF_FILE_CORRUPTED;
            l.per_channel = true;
        }
        if (m->n_outputs >= SIM_MAX_LAYERS) return ST_INVALID_HEF;
        snprintf(l.name, sizeof l.name, "%s", tok[1]);
        l.kind = LAYER_OUTPUT;
        l.zp = (float)zp;
        l.scale = (float)scale;
        m->outputs[m->n_outputs++] = l;
        return ST_SUCCESS;
    }
    return ST_HEF_FILE_CORRUPTED;
}

SIM_HIDDEN hailo_status sim_parse_hef(const char *text, size_t len, sim_model_t *m) {
    memset(m, 0, sizeof *m);
    m->hw_arch = SIM_NO_ARCH;
    m->fps = g_sim.default_fps;

    // First line: the magic.
    const char *nl = memchr(text, '\n', len);
    size_t first_len = nl ? (size_t)(nl - text) : len;
    while (first_len > 0 && (text[first_len - 1] == '\r' || text[first_len - 1] == ' ' || text[first_len - 1] == '\t')) {
        first_len--;
    }
    if (first_len != strlen(SIM_HEF_MAGIC) || memcmp(text, SIM_HEF_MAGIC, first_len) != 0) {
        return ST_HEF_NOT_SUPPORTED;
    }

    bool have_group = false, have_fps = false;
    size_t pos = nl ? (size_t)(nl - text) + 1 : len;
    char line[1024];
    while (pos < len) {
        const char *start = text + pos;
        const char *eol = memchr(start, '\n', len - pos);
        size_t llen = eol ? (size_t)(eol - start) : len - pos;
        pos += llen + (eol ? 1 : 0);
        if (memchr(start, '\0', llen) != NULL || llen >= sizeof line) {
            return ST_HEF_FILE_CORRUPTED;
        }
        memcpy(line, start, llen);
        line[llen] = '\0';
        char *hash = strchr(line, '#');
        if (hash != NULL) *hash = '\0';

        char *tok[SIM_MAX_TOKENS];
        int n = 0;
        char *save = NULL;
        for (char *t = strtok_r(line, " \t\r\v\f", &save); t != NULL; t = strtok_r(NULL, " \t\r\v\f", &save)) {
            if (n == SIM_MAX_TOKENS) return ST_HEF_FILE_CORRUPTED;
            tok[n++] = t;
        }
        if (n == 0) continue;
        hailo_status st = parse_line(tok, n, m, &have_group, &have_fps);
        if (st != ST_SUCCESS) return st;
    }
    if (!have_group || m->n_inputs == 0 || m->n_outputs == 0) {
        return ST_INVALID_HEF;
    }
    return ST_SUCCESS;
}

SIM_HIDDEN size_t sim_layer_device_frame_size(const sim_layer_t *l) {
    if (l->kind == LAYER_NMS) {
        return (size_t)l->classes * (1u + 5u * (size_t)l->max_per_class) * 4u;
    }
    return (size_t)l->height * l->width * l->features;
}

SIM_HIDDEN void sim_layer_vstream_info(const sim_model_t *m, const sim_layer_t *l, hailo_vstream_info_t *info) {
    memset(info, 0, sizeof *info);
    snprintf(info->name, sizeof info->name, "%s", l->name);
    snprintf(info->network_name, sizeof info->network_name, "%s/%s", m->name, m->name);
    switch (l->kind) {
    case LAYER_INPUT:
        info->direction = DIR_H2D;
        info->format = (hailo_format_t){FMT_UINT8, ORDER_NHWC, 0};
        info->shape = (hailo_3d_image_shape_t){l->height, l->width, l->features};
        info->quant_info = (hailo_quant_info_t){0.0f, 1.0f, 0.0f, 255.0f};
        break;
    case LAYER_NMS:
        info->direction = DIR_D2H;
        info->format = (hailo_format_t){FMT_FLOAT32, ORDER_NMS_BY_CLASS, 0};
        if (g_sim.abi_v4_20) {
            // 4.20: the per-class and total counts share one slot, then the mask size and the
            // result order (1, by class), over the same 16 bytes.
            hailo_nms_shape_v4_20_t shape = {.number_of_classes = l->classes, .max_bboxes_per_class = l->max_per_class,
                                             .max_accumulated_mask_size = 0, .order_type = 1};
            memcpy(&info->nms_shape, &shape, sizeof shape);
        } else {
            info->nms_shape = (hailo_nms_shape_t){l->classes, l->max_per_class, l->classes * l->max_per_class, 0};
        }
        info->quant_info = (hailo_quant_info_t){0.0f, 1.0f, 0.0f, 0.0f};
        break;
    default:
        info->direction = DIR_D2H;
        info->format = (hailo_format_t){FMT_UINT8, (l->height == 1 && l->width == 1) ? ORDER_NC : ORDER_NHWC, 0};
        info->shape = (hailo_3d_image_shape_t){l->height, l->width, l->features};
        if (l->per_channel) {
            info->quant_info = (hailo_quant_info_t){0.0f, 0.0f, 0.0f, 0.0f};
        } else {
            info->quant_info = (hailo_quant_info_t){l->zp, l->scale, 0.0f, 255.0f};
        }
        break;
    }
}

// ---- exported ----------------------------------------------------------------------------------
// A container's header names the chip; an `arch` line of its program must agree. A bare program
// names it by its `arch` line, else it is a Hailo-8 one.
static hailo_status hef_from_bytes(hailo_hef *hef, const void *bytes, size_t len) {
    const char *text = bytes;
    size_t text_len = len;
    int header_arch = SIM_NO_ARCH;
    bool container = sim_is_container(bytes, len);
    if (container) {
        hailo_status st = sim_open_container(bytes, len, &text, &text_len, &header_arch);
        if (st != ST_SUCCESS) return st;
    }
    struct _hailo_hef *h = calloc(1, sizeof *h);
    if (h == NULL) return ST_OUT_OF_HOST_MEMORY;
    hailo_status st = sim_parse_hef(text, text_len, &h->model);
    if (st == ST_SUCCESS && container) {
        if (h->model.hw_arch != SIM_NO_ARCH && h->model.hw_arch != header_arch) st = ST_HEF_FILE_CORRUPTED;
        h->model.hw_arch = header_arch;
    }
    if (h->model.hw_arch == SIM_NO_ARCH) h->model.hw_arch = HW_ARCH_HAILO8;
    if (st != ST_SUCCESS) {
        free(h);
        return st;
    }
    h->magic = SIM_MAGIC_HEF;
    *hef = h;
    return ST_SUCCESS;
}

SIM_EXPORT hailo_status hailo_create_hef_file(hailo_hef *hef, const char *file_name) {
    sim_init_once();
    if (hef == NULL || file_name == NULL) return ST_INVALID_ARGUMENT;
    FILE *f = fopen(file_name, "rb");
    if (f == NULL) return ST_OPEN_FILE_FAILURE;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (buf == NULL) {
        fclose(f);
        return ST_OUT_OF_HOST_MEMORY;
    }
    for (;;) {
        if (len == cap) {
            if (cap >= (64u << 20)) {  // a simulated HEF is never this large
                free(buf);
                fclose(f);
                return sim_version_status(ST_HEF_FILE_CORRUPTED);
            }
            char *nb = realloc(buf, cap * 2);
            if (nb == NULL) {
                free(buf);
                fclose(f);
                return ST_OUT_OF_HOST_MEMORY;
            }
            buf = nb;
            cap *= 2;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) break;
    }
    bool read_error = ferror(f) != 0;
    fclose(f);
    if (read_error) {  // e.g. a directory
        free(buf);
        return ST_OPEN_FILE_FAILURE;
    }
    hailo_status st = hef_from_bytes(hef, buf, len);
    free(buf);
    return sim_version_status(st);
}
SIM_CHECK_TYPE(hailo_create_hef_file);

SIM_EXPORT hailo_status hailo_create_hef_buffer(hailo_hef *hef, const void *buffer, size_t size) {
    sim_init_once();
    if (hef == NULL || buffer == NULL) return ST_INVALID_ARGUMENT;
    return sim_version_status(hef_from_bytes(hef, buffer, size));
}
SIM_CHECK_TYPE(hailo_create_hef_buffer);

SIM_EXPORT hailo_status hailo_release_hef(hailo_hef hef) {
    if (hef == NULL || hef->magic != SIM_MAGIC_HEF) return ST_INVALID_ARGUMENT;
    hef->magic = 0;
    free(hef);
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_release_hef);

SIM_EXPORT hailo_status hailo_get_network_groups_infos(hailo_hef hef, hailo_network_group_info_t *infos, size_t *number_of_infos) {
    if (hef == NULL || hef->magic != SIM_MAGIC_HEF || number_of_infos == NULL) return ST_INVALID_ARGUMENT;
    if (*number_of_infos < 1 || infos == NULL) {
        *number_of_infos = 1;
        return ST_INSUFFICIENT_BUFFER;
    }
    memset(&infos[0], 0, sizeof infos[0]);
    snprintf(infos[0].name, sizeof infos[0].name, "%s", hef->model.name);
    infos[0].is_multi_context = false;
    *number_of_infos = 1;
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_get_network_groups_infos);

SIM_EXPORT hailo_status hailo_hef_get_all_vstream_infos(hailo_hef hef, const char *name, hailo_vstream_info_t *vstream_infos,
                                                        size_t *vstream_infos_count) {
    if (hef == NULL || hef->magic != SIM_MAGIC_HEF || vstream_infos_count == NULL) return ST_INVALID_ARGUMENT;
    const sim_model_t *m = &hef->model;
    if (name != NULL && strcmp(name, m->name) != 0) return ST_NOT_FOUND;
    size_t needed = (size_t)m->n_inputs + (size_t)m->n_outputs;
    if (*vstream_infos_count < needed || vstream_infos == NULL) {
        *vstream_infos_count = needed;
        return ST_INSUFFICIENT_BUFFER;
    }
    size_t k = 0;
    for (int i = 0; i < m->n_inputs; i++) sim_layer_vstream_info(m, &m->inputs[i], &vstream_infos[k++]);
    for (int i = 0; i < m->n_outputs; i++) sim_layer_vstream_info(m, &m->outputs[i], &vstream_infos[k++]);
    *vstream_infos_count = needed;
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_hef_get_all_vstream_infos);
