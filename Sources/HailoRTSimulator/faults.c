// Fault injection: HAILO_SIM_FAULTS="point:after:status,..." with point one of
// create_vdevice, configure, write, read. After `after` successful calls of that point (counted
// per process) the next call fails with `status`; each fault fires once per process.
#include "sim_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIM_MAX_FAULTS 16

typedef struct {
    int point;
    unsigned long after;
    hailo_status status;
    bool fired;
} sim_fault_t;

static pthread_mutex_t g_fault_mu = PTHREAD_MUTEX_INITIALIZER;
static sim_fault_t g_faults[SIM_MAX_FAULTS];
static int g_fault_count;
static unsigned long g_successes[FAULT_POINTS];

static int point_from_name(const char *name, size_t len) {
    static const char *const names[FAULT_POINTS] = {"create_vdevice", "configure", "write", "read"};
    for (int i = 0; i < FAULT_POINTS; i++) {
        if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0) {
            return i;
        }
    }
    return -1;
}

SIM_HIDDEN void sim_faults_parse(const char *spec) {
    g_fault_count = 0;
    if (spec == NULL) {
        return;
    }
    const char *p = spec;
    while (*p != '\0' && g_fault_count < SIM_MAX_FAULTS) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char item[128];
        if (len < sizeof item) {
            memcpy(item, p, len);
            item[len] = '\0';
            char *c1 = strchr(item, ':');
            char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
            if (c1 != NULL && c2 != NULL) {
                int point = point_from_name(item, (size_t)(c1 - item));
                char *e1 = NULL, *e2 = NULL;
                unsigned long after = strtoul(c1 + 1, &e1, 10);
                unsigned long status = strtoul(c2 + 1, &e2, 10);
                if (point >= 0 && e1 == c2 && e2 != c2 + 1 && *e2 == '\0' && status != 0) {
                    g_faults[g_fault_count++] = (sim_fault_t){point, after, (hailo_status)status, false};
                } else {
                    fprintf(stderr, "hailort-simulator: ignoring malformed HAILO_SIM_FAULTS entry '%s'\n", item);
                }
            } else {
                fprintf(stderr, "hailort-simulator: ignoring malformed HAILO_SIM_FAULTS entry '%s'\n", item);
            }
        }
        if (end == NULL) {
            break;
        }
        p = end + 1;
    }
}

SIM_HIDDEN hailo_status sim_fault_check(int point) {
    hailo_status result = ST_SUCCESS;
    pthread_mutex_lock(&g_fault_mu);
    for (int i = 0; i < g_fault_count; i++) {
        sim_fault_t *f = &g_faults[i];
        if (f->point == point && !f->fired && g_successes[point] >= f->after) {
            f->fired = true;
            result = f->status;
            break;
        }
    }
    pthread_mutex_unlock(&g_fault_mu);
    return result;
}

SIM_HIDDEN void sim_fault_count_success(int point) {
    pthread_mutex_lock(&g_fault_mu);
    g_successes[point]++;
    pthread_mutex_unlock(&g_fault_mu);
}
