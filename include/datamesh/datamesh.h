// Umbrella header of the datamesh C++ API.
#pragma once

#include "datamesh/admin.h"
#include "datamesh/catalog.h"
#include "datamesh/consumer.h"
#include "datamesh/json.h"
#include "datamesh/producer.h"
#include "datamesh/types.h"
