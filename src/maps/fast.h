/*
 * fast.h - program-side map entry points the JIT calls directly when a
 * call site's map is known (src/jit/maps.c): same results as the family's
 * ops->lookup, specialised for the map's shape.
 */
#ifndef HIVE_MAPS_FAST_H
#define HIVE_MAPS_FAST_H

#include "maps/map.h"

typedef void *(*htab_lookup_fn)(struct hive_map *map, const void *key);

/*
 * hash.c: a lookup specialised for @map (a plain BPF_MAP_TYPE_HASH with a
 * 4, 8 or 16-byte key), or NULL (use map->ops->lookup). The function
 * returns the value pointer or NULL, as ops->lookup.
 */
htab_lookup_fn htab_fast_lookup(const struct hive_map *map);

#endif /* HIVE_MAPS_FAST_H */
