// libHailoRTSimulator.so: a stand-in for libhailort.so.4.23.0 with simulated Hailo-8 boards.
//
// The library exports the hailo_* C functions declared in CHailoRT.h, with exactly those types,
// and nothing else. Clients load it like the real library: dlopen() it by path, dlsym() each
// symbol. Behaviour, the simulated HEF format and the HAILO_SIM_* environment variables are
// described in docs/hailo-simulator.md.
#ifndef HAILORT_SIMULATOR_H
#define HAILORT_SIMULATOR_H

#include "CHailoRT.h"

#endif
