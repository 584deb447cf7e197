/* lt/lt.h — the engine's public API in one include. */
#pragma once

#include "lt/dtype.h"
#include "lt/graph.h"
#include "lt/log.h"
#include "lt/model.h"
#include "lt/ops.h"
#include "lt/shape.h"
#include "lt/session.h"
#include "lt/status.h"
#include "lt/tensor.h"
#include "lt/tensor-file.h"
#include "version.h"
