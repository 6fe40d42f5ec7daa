#include "tracking/parse.h"
