/*
 * family.h - functions map families share with each other (not part of
 * the helpers' API, see map.h for that).
 */
#ifndef HIVE_MAPS_FAMILY_H
#define HIVE_MAPS_FAMILY_H

#include "maps/map.h"

uint32_t map_type_flag_mask(uint32_t type);
const char *map_type_name(uint32_t type);

/* array.c */
int array_alloc_check(const union bpf_attr *attr);
int array_get_next_key(struct hive_map *map, const void *key, void *next_key);

/* hash.c */
int htab_alloc_check(const union bpf_attr *attr);
void *htab_percpu_ptr(struct hive_map *map, const void *key, uint32_t cpu);

/* fd_array.c: map-in-map templates */
int inner_template(const union bpf_attr *attr, struct hive_map_def *def);
int inner_check(struct hive_map *outer, struct hive_map *inner);
struct hive_map *inner_resolve(uint32_t id);

#endif /* HIVE_MAPS_FAMILY_H */
