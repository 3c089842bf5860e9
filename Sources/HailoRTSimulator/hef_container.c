// The HEF container around a simulated program (see docs/hailo-simulator.md): HailoRT's header,
// the protobuf message whose header names the chip, then the program. Checksums are not checked.
#include "sim_internal.h"

#include <string.h>

static uint64_t read_be(const uint8_t *p, int bytes) {
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) v = v << 8 | p[i];
    return v;
}

// ---- the protobuf wire format, as far as the header's hw_arch ------------------------------------
typedef struct {
    const uint8_t *p, *end;
} pb_reader_t;

static bool pb_varint(pb_reader_t *r, uint64_t *out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 70 && r->p < r->end; shift += 7) {
        uint8_t byte = *r->p++;
        v |= (uint64_t)(byte & 0x7F) << shift;
        if ((byte & 0x80) == 0) {
            *out = v;
            return true;
        }
    }
    return false;
}

// The next field: its number, its varint value (wire type 0) or bytes (wire type 2). Returns the
// wire type, 1 or 5 for a fixed value skipped, -1 for malformed bytes (groups included).
static int pb_next(pb_reader_t *r, uint64_t *number, uint64_t *value, pb_reader_t *bytes) {
    uint64_t tag;
    if (!pb_varint(r, &tag) || (tag >> 3) == 0 || (tag >> 3) > 0x1FFFFFFFu) return -1;
    *number = tag >> 3;
    size_t left;
    switch (tag & 7) {
    case 0:
        return pb_varint(r, value) ? 0 : -1;
    case 1:
    case 5:
        left = (size_t)(r->end - r->p);
        if (left < ((tag & 7) == 1 ? 8u : 4u)) return -1;
        r->p += (tag & 7) == 1 ? 8 : 4;
        return (int)(tag & 7);
    case 2:
        if (!pb_varint(r, value) || *value > (uint64_t)(r->end - r->p)) return -1;
        bytes->p = r->p;
        bytes->end = r->p + *value;
        r->p = bytes->end;
        return 2;
    default:
        return -1;
    }
}

// hw_arch of ProtoHEFHef.header (field 1, then its field 1): HAILO8 (0) when absent, as proto3
// reads it. Returns false for malformed bytes.
static bool proto_hw_arch(pb_reader_t message, int *hw_arch) {
    *hw_arch = HW_ARCH_HAILO8;
    uint64_t number, value;
    pb_reader_t header, unused;
    while (message.p < message.end) {
        int wire = pb_next(&message, &number, &value, &header);
        if (wire < 0) return false;
        if (number != 1 || wire != 2) continue;
        while (header.p < header.end) {
            int inner = pb_next(&header, &number, &value, &unused);
            if (inner < 0) return false;
            if (number == 1 && inner == 0) *hw_arch = (int)(int32_t)(uint32_t)value;
        }
    }
    return true;
}

// ---- the header ----------------------------------------------------------------------------------
// Where the program lies, by the header's version: after the header and the message (and, in
// version 3, the padding), `program_size` bytes; `after_message` bytes follow the message in all.
typedef struct {
    size_t header_size;
    uint64_t program_size, after_message, padding;
} sim_layout_t;

static hailo_status layout_of(const uint8_t *b, size_t len, uint32_t version, sim_layout_t *l) {
    static const size_t sizes[] = {32, 28, 44, 56};
    // 4.20 reads versions 0-2, later ones 0-3; the simulator's program needs version 1 or more.
    if (version == 0 || version > (g_sim.abi_v4_20 ? 2u : 3u)) return ST_HEF_NOT_SUPPORTED;
    l->header_size = sizes[version];
    if (len < l->header_size) return ST_HEF_FILE_CORRUPTED;
    l->padding = 0;
    if (version == 1) {
        l->program_size = l->after_message = read_be(b + 16, 8);
    } else if (version == 2) {
        l->program_size = l->after_message = read_be(b + 20, 8);
    } else {
        uint64_t with_padding = read_be(b + 20, 8), additional = read_be(b + 32, 8);
        l->padding = read_be(b + 28, 4);
        if (l->padding > with_padding || additional > UINT64_MAX - with_padding) return ST_HEF_FILE_CORRUPTED;
        l->program_size = with_padding - l->padding;
        l->after_message = with_padding + additional;
    }
    return ST_SUCCESS;
}

SIM_HIDDEN bool sim_is_container(const void *bytes, size_t len) {
    return len >= 4 && read_be(bytes, 4) == SIM_HEF_CONTAINER_MAGIC;
}

SIM_HIDDEN hailo_status sim_open_container(const uint8_t *b, size_t len, const char **program, size_t *program_len,
                                           int *hw_arch) {
    if (len < 12) return ST_HEF_FILE_CORRUPTED;
    sim_layout_t l;
    hailo_status st = layout_of(b, len, (uint32_t)read_be(b + 4, 4), &l);
    if (st != ST_SUCCESS) return st;
    uint64_t message_size = read_be(b + 8, 4), residue = len - l.header_size;
    if (message_size > residue || l.after_message != residue - message_size) return ST_HEF_FILE_CORRUPTED;
    pb_reader_t message = {b + l.header_size, b + l.header_size + message_size};
    if (!proto_hw_arch(message, hw_arch)) return ST_HEF_FILE_CORRUPTED;
    *program = (const char *)message.end + l.padding;
    *program_len = (size_t)l.program_size;
    return ST_SUCCESS;
}
