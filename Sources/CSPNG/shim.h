// libspng, from the system package (Debian: libspng-dev).
#include <spng.h>
