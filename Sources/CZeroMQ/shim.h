// libzmq's C API, from the system package (Debian: libzmq3-dev).
#include <zmq.h>
