// Simulated VDevice: device ownership (flock across processes, a table inside this process),
// configuration of network groups, physical device handles.
#include "sim_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static pthread_mutex_t g_owner_mu = PTHREAD_MUTEX_INITIALIZER;
static bool g_owned[SIM_MAX_DEVICES];  // devices owned by a vdevice of this process

static const char g_unique_group_id[] = "UNIQUE";

enum { CLAIM_OK = 0, CLAIM_BUSY = 1, CLAIM_ERROR = 2 };

static void lock_path(int index, char *out, size_t cap) {
    char id[HAILO_MAX_DEVICE_ID_LENGTH];
    sim_device_id_string(index, id);
    for (char *p = id; *p != '\0'; p++) {
        if (*p == ':' || *p == '.') *p = '_';
    }
    snprintf(out, cap, "%s/hailo-sim-%s.lock", g_sim.state_dir, id);
}

// Through the multi-process service, clients share a board when they name the same group id:
// each holds a shared flock on the board's lock file (a direct user holds an exclusive one, so
// the two exclude each other), and the first client's group id is kept beside it.
static int claim_shared(int index, const char *group, int *fd_out) {
    char path[sizeof g_sim.state_dir + 64], group_path[sizeof path + 8];
    lock_path(index, path, sizeof path);
    snprintf(group_path, sizeof group_path, "%s.group", path);
    int gfd = open(group_path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (gfd < 0) return CLAIM_ERROR;
    flock(gfd, LOCK_EX);  // serialises the check of the group with other clients
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    int result = CLAIM_ERROR;
    if (fd >= 0) {
        char current[256] = {0};
        ssize_t n = pread(gfd, current, sizeof current - 1, 0);
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
            // Nobody holds the board: this client's group is the board's from now on.
            if (ftruncate(gfd, 0) == 0 && pwrite(gfd, group, strlen(group), 0) >= 0) result = CLAIM_OK;
            flock(fd, LOCK_SH);  // downgrade: other clients of the group may join
        } else if (n > 0 && strcmp(current, group) == 0 && strcmp(group, g_unique_group_id) != 0 &&
                   flock(fd, LOCK_SH | LOCK_NB) == 0) {  // "UNIQUE" is never shared
            result = CLAIM_OK;
        } else {
            result = CLAIM_BUSY;  // a direct user, or the service serving another group
        }
        if (result != CLAIM_OK) close(fd);
    }
    flock(gfd, LOCK_UN);
    close(gfd);
    if (result == CLAIM_OK) *fd_out = fd;
    return result;
}

// Claims DMA ownership of one board: the in-process table, then a non-blocking flock.
static int claim_device(int index, const char *service_group, int *fd_out) {
    if (service_group != NULL) return claim_shared(index, service_group, fd_out);
    pthread_mutex_lock(&g_owner_mu);
    if (g_owned[index]) {
        pthread_mutex_unlock(&g_owner_mu);
        return CLAIM_BUSY;
    }
    char path[sizeof g_sim.state_dir + 64];
    lock_path(index, path, sizeof path);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
        pthread_mutex_unlock(&g_owner_mu);
        return CLAIM_ERROR;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        close(fd);
        pthread_mutex_unlock(&g_owner_mu);
        return err == EWOULDBLOCK ? CLAIM_BUSY : CLAIM_ERROR;
    }
    g_owned[index] = true;
    pthread_mutex_unlock(&g_owner_mu);
    *fd_out = fd;
    return CLAIM_OK;
}

static void unclaim_device(int index, int fd, bool service) {
    pthread_mutex_lock(&g_owner_mu);
    if (fd >= 0) {
        flock(fd, LOCK_UN);
        close(fd);
    }
    if (!service) g_owned[index] = false;
    pthread_mutex_unlock(&g_owner_mu);
}

static bool vdevice_ok(hailo_vdevice vd) { return vd != NULL && vd->magic == SIM_MAGIC_VDEV; }

static void vdevice_free_devices(struct _hailo_vdevice *vd) {
    for (int i = 0; i < vd->device_count; i++) {
        if (vd->devices[i] != NULL) sim_device_free(vd->devices[i]);
        unclaim_device(vd->device_index[i], vd->lock_fd[i], vd->service);
    }
    vd->device_count = 0;
}

// ---- exported ----------------------------------------------------------------------------------
SIM_EXPORT hailo_status hailo_init_vdevice_params(hailo_vdevice_params_t *params) {
    if (params == NULL) return ST_INVALID_ARGUMENT;
    memset(params, 0, sizeof *params);
    params->device_count = 1;
    params->device_ids = NULL;
    params->scheduling_algorithm = 1;  // ROUND_ROBIN
    params->group_id = g_unique_group_id;
    params->multi_process_service = false;
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_init_vdevice_params);

SIM_EXPORT hailo_status hailo_create_vdevice(hailo_vdevice_params_t *params, hailo_vdevice *vdevice) {
    sim_init_once();
    if (vdevice == NULL) return ST_INVALID_ARGUMENT;
    hailo_vdevice_params_t p;
    if (params == NULL) {
        hailo_init_vdevice_params(&p);
    } else {
        p = *params;
    }
    // Through hailort_service: it must run (else 77) and be this library's exact version (else 78).
    if (p.multi_process_service) {
        if (!g_sim.service_present) return ST_RPC_FAILED;
        hailo_version_t l = g_sim.library_version, s = g_sim.service_version;
        if (l.major != s.major || l.minor != s.minor || l.revision != s.revision) return ST_INVALID_SERVICE_VERSION;
    }
    const char *service_group = NULL;
    if (p.multi_process_service) service_group = p.group_id != NULL ? p.group_id : g_unique_group_id;
    if (p.scheduling_algorithm > 1 || p.device_count == 0 || p.device_count > SIM_MAX_DEVICES) {
        return ST_INVALID_ARGUMENT;
    }
    hailo_status st = sim_fault_check(FAULT_CREATE_VDEVICE);
    if (st != ST_SUCCESS) return st;
    if (g_sim.device_count == 0) return ST_OUT_OF_PHYSICAL_DEVICES;  // empty scan
    st = sim_driver_check();
    if (st != ST_SUCCESS) return st;

    int wanted[SIM_MAX_DEVICES];
    int nwanted = 0;
    if (p.device_ids != NULL) {
        for (uint32_t i = 0; i < p.device_count; i++) {
            char id[HAILO_MAX_DEVICE_ID_LENGTH + 1];
            memcpy(id, p.device_ids[i].id, HAILO_MAX_DEVICE_ID_LENGTH);
            id[HAILO_MAX_DEVICE_ID_LENGTH] = '\0';
            int index = sim_find_device(id);
            if (index < 0) return ST_INVALID_ARGUMENT;
            for (int j = 0; j < nwanted; j++) {
                if (wanted[j] == index) return ST_INVALID_ARGUMENT;
            }
            wanted[nwanted++] = index;
        }
    } else if ((int)p.device_count > g_sim.device_count) {
        return ST_OUT_OF_PHYSICAL_DEVICES;
    }

    struct _hailo_vdevice *vd = calloc(1, sizeof *vd);
    if (vd == NULL) return ST_OUT_OF_HOST_MEMORY;
    pthread_mutex_init(&vd->mu, NULL);
    sim_cond_init(&vd->cv);
    vd->scheduling_algorithm = p.scheduling_algorithm;
    vd->service = service_group != NULL;

    st = ST_SUCCESS;
    if (p.device_ids != NULL) {
        for (int i = 0; i < nwanted; i++) {
            int fd = -1;
            int claim = claim_device(wanted[i], service_group, &fd);
            if (claim != CLAIM_OK) {
                st = claim == CLAIM_BUSY ? ST_DEVICE_IN_USE : ST_DRIVER_OPERATION_FAILED;
                break;
            }
            vd->device_index[vd->device_count] = wanted[i];
            vd->lock_fd[vd->device_count] = fd;
            vd->device_count++;
        }
    } else {
        for (int index = 0; index < g_sim.device_count && vd->device_count < (int)p.device_count; index++) {
            int fd = -1;
            int claim = claim_device(index, service_group, &fd);
            if (claim == CLAIM_ERROR) {
                st = ST_DRIVER_OPERATION_FAILED;
                break;
            }
            if (claim == CLAIM_OK) {
                vd->device_index[vd->device_count] = index;
                vd->lock_fd[vd->device_count] = fd;
                vd->device_count++;
            }
        }
        if (st == ST_SUCCESS && vd->device_count < (int)p.device_count) st = ST_OUT_OF_PHYSICAL_DEVICES;
    }
    for (int i = 0; st == ST_SUCCESS && i < vd->device_count; i++) {
        vd->devices[i] = sim_device_new(vd->device_index[i], true);
        if (vd->devices[i] == NULL) st = ST_OUT_OF_HOST_MEMORY;
    }
    if (st == ST_SUCCESS) st = sim_scheduler_start(vd);
    if (st != ST_SUCCESS) {
        vdevice_free_devices(vd);
        pthread_cond_destroy(&vd->cv);
        pthread_mutex_destroy(&vd->mu);
        free(vd);
        return st;
    }
    vd->magic = SIM_MAGIC_VDEV;
    sim_fault_count_success(FAULT_CREATE_VDEVICE);
    *vdevice = vd;
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_create_vdevice);

SIM_EXPORT hailo_status hailo_release_vdevice(hailo_vdevice vdevice) {
    if (!vdevice_ok(vdevice)) return ST_INVALID_ARGUMENT;
    sim_vdevice_teardown_groups(vdevice);  // aborts blocked I/O, joins the scheduler, frees groups
    vdevice->magic = 0;
    vdevice_free_devices(vdevice);
    pthread_cond_destroy(&vdevice->cv);
    pthread_mutex_destroy(&vdevice->mu);
    free(vdevice);
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_release_vdevice);

SIM_EXPORT hailo_status hailo_get_physical_devices(hailo_vdevice vdevice, hailo_device *devices, size_t *number_of_devices) {
    if (!vdevice_ok(vdevice) || number_of_devices == NULL) return ST_INVALID_ARGUMENT;
    size_t n = (size_t)vdevice->device_count;
    if (*number_of_devices < n || devices == NULL) {
        *number_of_devices = n;
        return ST_INSUFFICIENT_BUFFER;
    }
    for (size_t i = 0; i < n; i++) devices[i] = vdevice->devices[i];
    *number_of_devices = n;
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_get_physical_devices);

SIM_EXPORT hailo_status hailo_init_configure_params_by_vdevice(hailo_hef hef, hailo_vdevice vdevice, hailo_configure_params_t *params) {
    if (hef == NULL || hef->magic != SIM_MAGIC_HEF || !vdevice_ok(vdevice) || params == NULL) return ST_INVALID_ARGUMENT;
    memset(params, 0, sizeof *params);
    params->network_group_params_count = 1;
    hailo_configure_network_group_params_t *g = &params->network_group_params[0];
    snprintf(g->name, sizeof g->name, "%s", hef->model.name);
    g->batch_size = 0;
    g->power_mode = 0;
    g->latency = 0;
    g->stream_params_by_name_count = 0;
    g->network_params_by_name_count = 0;
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_init_configure_params_by_vdevice);

static int compare_layers(const void *a, const void *b) {
    return strcmp(((const sim_layer_t *)a)->name, ((const sim_layer_t *)b)->name);
}

SIM_EXPORT hailo_status hailo_configure_vdevice(hailo_vdevice vdevice, hailo_hef hef, hailo_configure_params_t *params,
                                                hailo_configured_network_group *network_groups, size_t *number_of_network_groups) {
    if (!vdevice_ok(vdevice) || hef == NULL || hef->magic != SIM_MAGIC_HEF || network_groups == NULL ||
        number_of_network_groups == NULL) {
        return ST_INVALID_ARGUMENT;
    }
    if (*number_of_network_groups < 1) {
        *number_of_network_groups = 1;
        return ST_INSUFFICIENT_BUFFER;
    }
    uint16_t batch = 0;
    if (params != NULL && params->network_group_params_count > 0) {
        if (params->network_group_params_count > HAILO_MAX_NETWORK_GROUPS) return ST_INVALID_ARGUMENT;
        const hailo_configure_network_group_params_t *found = NULL;
        for (size_t i = 0; i < params->network_group_params_count; i++) {
            if (strncmp(params->network_group_params[i].name, hef->model.name, HAILO_MAX_STREAM_NAME_SIZE) == 0) {
                found = &params->network_group_params[i];
            }
        }
        if (found == NULL) return ST_NOT_FOUND;
        batch = found->batch_size;
    }
    hailo_status st = sim_fault_check(FAULT_CONFIGURE);
    if (st != ST_SUCCESS) return st;
    // A Hailo-8 takes Hailo-8 and Hailo-8L HEFs (the latter with HailoRT's "lower performance"
    // warning); a Hailo-8L takes only Hailo-8L HEFs; neither takes a Hailo-10 or -15 HEF.
    int arch = hef->model.hw_arch;
    bool hailo8_family = arch == HW_ARCH_HAILO8 || arch == HW_ARCH_HAILO8P || arch == HW_ARCH_HAILO8R || arch == HW_ARCH_HAILO8L;
    if (!hailo8_family || (g_sim.device_8l && arch != HW_ARCH_HAILO8L)) {
        return sim_version_status(ST_HEF_NOT_COMPATIBLE_WITH_DEVICE);
    }

    struct _hailo_configured_network_group *ng = calloc(1, sizeof *ng);
    if (ng == NULL) return ST_OUT_OF_HOST_MEMORY;
    ng->magic = SIM_MAGIC_NG;
    ng->vd = vdevice;
    ng->model = hef->model;
    qsort(ng->model.inputs, (size_t)ng->model.n_inputs, sizeof(sim_layer_t), compare_layers);
    qsort(ng->model.outputs, (size_t)ng->model.n_outputs, sizeof(sim_layer_t), compare_layers);
    ng->batch_size = batch;
    ng->scheduler_priority = 16;

    pthread_mutex_lock(&vdevice->mu);
    struct _hailo_configured_network_group **tail = &vdevice->groups;
    while (*tail != NULL) tail = &(*tail)->next;
    *tail = ng;
    vdevice->group_count++;
    pthread_cond_broadcast(&vdevice->cv);
    pthread_mutex_unlock(&vdevice->mu);

    sim_fault_count_success(FAULT_CONFIGURE);
    network_groups[0] = ng;
    *number_of_network_groups = 1;
    return ST_SUCCESS;
}
SIM_CHECK_TYPE(hailo_configure_vdevice);
