#include "CHailoRT.h"
