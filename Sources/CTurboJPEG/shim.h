// libjpeg-turbo's TurboJPEG API, from the system package (Debian: libturbojpeg0-dev).
#include <turbojpeg.h>
