/*
 * lpm_trie.c - BPF_MAP_TYPE_LPM_TRIE: longest-prefix match over keys
 * {u32 prefixlen; u8 data[key_size - 4]} (big-endian bit order).
 *
 * The same binary trie as the kernel's lpm_trie.c: nodes carry a prefix,
 * intermediate nodes (flag IM) are inserted where two prefixes diverge
 * and removed when they lose a child; insertion and deletion follow the
 * kernel's steps, so the trie has the kernel's shape and get_next_key
 * walks keys in the kernel's post-order. Nodes live in a pool (two per
 * entry) with a free list; child links are node index + 1. Writers and
 * get_next_key hold one robust lock; lookups run lock-free under a
 * sequence counter with a depth limit.
 */
#include <errno.h>
#include <string.h>

#include "core/shm.h"
#include "maps/family.h"

#define LPM_IM 1u

struct lpm_node {
	_Atomic uint32_t child[2];
	uint32_t prefixlen;
	uint32_t flags;
	uint32_t next_free;
	uint32_t pad;
	uint8_t data[];     /* data_size bytes, then the value */
};

struct lpm_ctl {
	hive_mutex_t lock;
	_Atomic uint32_t seq;
	_Atomic uint32_t root;
	uint32_t n_entries;
	uint32_t free_head;  /* node index + 1 */
	uint32_t bump;
	uint32_t pool;       /* nodes in the pool */
	uint32_t node_size;
	uint32_t data_size;
};

static int lpm_alloc_check(const union bpf_attr *attr)
{
	if (attr->max_entries == 0 || !(attr->map_flags & BPF_F_NO_PREALLOC) ||
	    (attr->map_flags & ~map_type_flag_mask(attr->map_type)) ||
	    !map_flags_access_ok(attr->map_flags) || attr->key_size < 5 || attr->key_size > 260 ||
	    attr->value_size < 1 || attr->value_size > HIVE_KMALLOC_MAX_SIZE - 256 - 32)
		return -EINVAL;
	return 0;
}

static uint64_t node_size_of(uint32_t key_size, uint32_t value_size)
{
	return (sizeof(struct lpm_node) + (key_size - 4) + value_size + 7) & ~7ull;
}

static int lpm_layout(const union bpf_attr *attr, struct hive_map_def *def, size_t *payload)
{
	uint64_t pool = 2ull * attr->max_entries + 1;

	def->ncpus = 1;
	def->data_off = 0;
	def->ctl_off = pool * node_size_of(attr->key_size, attr->value_size);
	*payload = def->ctl_off + sizeof(struct lpm_ctl);
	if (*payload > (1ull << 36) || pool > UINT32_MAX)
		return -ENOMEM;
	return 0;
}

static struct lpm_ctl *lctl(struct hive_map *map)
{
	return map->ctl;
}

static struct lpm_node *node_at(struct hive_map *map, uint32_t ref)
{
	return (struct lpm_node *)(map->data + (uint64_t)(ref - 1) * lctl(map)->node_size);
}

static uint32_t node_ref(struct hive_map *map, struct lpm_node *n)
{
	return (uint32_t)(((uint8_t *)n - map->data) / lctl(map)->node_size) + 1;
}

static int lpm_init(struct hive_map *map)
{
	struct lpm_ctl *c = lctl(map);

	c->pool = 2 * map->max_entries + 1;
	c->node_size = (uint32_t)node_size_of(map->key_size, map->value_size);
	c->data_size = map->key_size - 4;
	return shm_mutex_init(&c->lock);
}

static struct lpm_node *node_alloc(struct hive_map *map)
{
	struct lpm_ctl *c = lctl(map);
	struct lpm_node *n;

	if (c->free_head) {
		n = node_at(map, c->free_head);
		c->free_head = n->next_free;
	} else if (c->bump < c->pool) {
		n = node_at(map, ++c->bump);
	} else {
		return NULL;
	}
	atomic_store(&n->child[0], 0);
	atomic_store(&n->child[1], 0);
	n->flags = 0;
	return n;
}

static void node_free(struct hive_map *map, struct lpm_node *n)
{
	n->next_free = lctl(map)->free_head;
	lctl(map)->free_head = node_ref(map, n);
}

static int extract_bit(const uint8_t *data, uint32_t index)
{
	return !!(data[index / 8] & (1 << (7 - (index % 8))));
}

/* longest_prefix_match(): leading bits node and key share, up to the
 * shorter prefix */
static uint32_t prefix_match(struct hive_map *map, const struct lpm_node *node,
			     uint32_t kplen, const uint8_t *kdata)
{
	uint32_t limit = node->prefixlen < kplen ? node->prefixlen : kplen, i, n = 0;

	for (i = 0; i < lctl(map)->data_size; i++) {
		uint8_t diff = node->data[i] ^ kdata[i];

		if (diff) {
			n += (uint32_t)__builtin_clz((unsigned)diff) - 24;
			break;
		}
		n += 8;
		if (n >= limit)
			break;
	}
	return n < limit ? n : limit;
}

static uint32_t max_prefixlen(struct hive_map *map)
{
	return lctl(map)->data_size * 8;
}

static void *lpm_lookup(struct hive_map *map, const void *key)
{
	struct lpm_ctl *c = lctl(map);
	const uint8_t *kdata = (const uint8_t *)key + 4;
	uint32_t kplen, s, ref, depth;
	struct lpm_node *found;

	memcpy(&kplen, key, 4);
	if (kplen > max_prefixlen(map))
		return NULL; /* as the kernel: no match for an impossible prefix */
	do {
		s = seq_read_begin(&c->seq);
		found = NULL;
		ref = atomic_load_explicit(&c->root, memory_order_acquire);
		for (depth = 0; ref && ref <= c->pool && depth <= max_prefixlen(map) + 1; depth++) {
			struct lpm_node *node = node_at(map, ref);
			uint32_t m = prefix_match(map, node, kplen, kdata);

			if (m == max_prefixlen(map)) {
				found = node;
				break;
			}
			if (m < node->prefixlen)
				break;
			if (!(node->flags & LPM_IM))
				found = node;
			if (node->prefixlen >= max_prefixlen(map))
				break;
			ref = atomic_load_explicit(&node->child[extract_bit(kdata, node->prefixlen)],
						   memory_order_acquire);
		}
	} while (seq_read_retry(&c->seq, s));
	return found ? found->data + c->data_size : NULL;
}

static int check_add(struct hive_map *map, uint64_t flags)
{
	if (flags == BPF_EXIST)
		return -ENOENT;
	if (lctl(map)->n_entries == map->max_entries)
		return -ENOSPC;
	lctl(map)->n_entries++;
	return 0;
}

/* trie_update_elem() */
static int lpm_update(struct hive_map *map, const void *key, const void *value, uint64_t flags,
		      bool sys)
{
	struct lpm_ctl *c = lctl(map);
	const uint8_t *kdata = (const uint8_t *)key + 4;
	struct lpm_node *node = NULL, *newn, *im, *freen = NULL;
	_Atomic uint32_t *slot;
	uint32_t kplen, m = 0;
	int ret = 0;

	if (flags > BPF_EXIST)
		return -EINVAL;
	memcpy(&kplen, key, 4);
	if (kplen > max_prefixlen(map))
		return -EINVAL;
	shm_lock(&c->lock);
	seq_write_begin(&c->seq);
	newn = node_alloc(map);
	if (!newn) {
		ret = -ENOMEM;
		goto out;
	}
	newn->prefixlen = kplen;
	memcpy(newn->data, kdata, c->data_size);
	memcpy(newn->data + c->data_size, value, map->value_size);
	slot = &c->root;
	while (atomic_load(slot)) {
		node = node_at(map, atomic_load(slot));
		m = prefix_match(map, node, kplen, kdata);
		if (node->prefixlen != m || node->prefixlen == kplen ||
		    node->prefixlen == max_prefixlen(map))
			break;
		slot = &node->child[extract_bit(kdata, node->prefixlen)];
		node = NULL;
	}
	if (!node) {
		ret = check_add(map, flags);
		if (!ret)
			atomic_store(slot, node_ref(map, newn));
		goto out;
	}
	if (node->prefixlen == m) {
		/* same prefix: replace the node */
		if (!(node->flags & LPM_IM)) {
			if (flags == BPF_NOEXIST) {
				ret = -EEXIST;
				goto out;
			}
		} else {
			ret = check_add(map, flags);
			if (ret)
				goto out;
		}
		atomic_store(&newn->child[0], atomic_load(&node->child[0]));
		atomic_store(&newn->child[1], atomic_load(&node->child[1]));
		atomic_store(slot, node_ref(map, newn));
		freen = node;
		goto out;
	}
	ret = check_add(map, flags);
	if (ret)
		goto out;
	if (m == kplen) {
		/* the new prefix covers the node: insert it above */
		atomic_store(&newn->child[extract_bit(node->data, m)], node_ref(map, node));
		atomic_store(slot, node_ref(map, newn));
		goto out;
	}
	im = node_alloc(map);
	if (!im) {
		c->n_entries--;
		ret = -ENOMEM;
		goto out;
	}
	im->prefixlen = m;
	im->flags = LPM_IM;
	memcpy(im->data, node->data, c->data_size);
	if (extract_bit(kdata, m)) {
		atomic_store(&im->child[0], node_ref(map, node));
		atomic_store(&im->child[1], node_ref(map, newn));
	} else {
		atomic_store(&im->child[0], node_ref(map, newn));
		atomic_store(&im->child[1], node_ref(map, node));
	}
	atomic_store(slot, node_ref(map, im));
out:
	if (ret && newn)
		node_free(map, newn);
	if (freen)
		node_free(map, freen);
	seq_write_end(&c->seq);
	shm_unlock(&c->lock);
	return ret;
}

/* trie_delete_elem() */
static int lpm_delete(struct hive_map *map, const void *key)
{
	struct lpm_ctl *c = lctl(map);
	const uint8_t *kdata = (const uint8_t *)key + 4;
	_Atomic uint32_t *trim, *trim2;
	struct lpm_node *node = NULL, *parent = NULL;
	uint32_t kplen, m = 0;
	int ret = 0;

	memcpy(&kplen, key, 4);
	if (kplen > max_prefixlen(map))
		return -EINVAL;
	shm_lock(&c->lock);
	seq_write_begin(&c->seq);
	trim = &c->root;
	trim2 = trim;
	while (atomic_load(trim)) {
		node = node_at(map, atomic_load(trim));
		m = prefix_match(map, node, kplen, kdata);
		if (node->prefixlen != m || node->prefixlen == kplen)
			break;
		parent = node;
		trim2 = trim;
		trim = &node->child[extract_bit(kdata, node->prefixlen)];
		node = NULL;
	}
	if (!node || node->prefixlen != kplen || node->prefixlen != m || (node->flags & LPM_IM)) {
		ret = -ENOENT;
		goto out;
	}
	c->n_entries--;
	if (atomic_load(&node->child[0]) && atomic_load(&node->child[1])) {
		/* two children: the node stays as an intermediate one */
		node->flags |= LPM_IM;
		goto out;
	}
	if (parent && (parent->flags & LPM_IM) && !atomic_load(&node->child[0]) &&
	    !atomic_load(&node->child[1])) {
		/* a leaf under an intermediate node: both go, the sibling moves up */
		if (atomic_load(&parent->child[0]) == node_ref(map, node))
			atomic_store(trim2, atomic_load(&parent->child[1]));
		else
			atomic_store(trim2, atomic_load(&parent->child[0]));
		node_free(map, parent);
		node_free(map, node);
		goto out;
	}
	if (atomic_load(&node->child[0]))
		atomic_store(trim, atomic_load(&node->child[0]));
	else if (atomic_load(&node->child[1]))
		atomic_store(trim, atomic_load(&node->child[1]));
	else
		atomic_store(trim, 0);
	node_free(map, node);
out:
	seq_write_end(&c->seq);
	shm_unlock(&c->lock);
	return ret;
}

static void copy_key(struct hive_map *map, struct lpm_node *n, void *next_key)
{
	memcpy(next_key, &n->prefixlen, 4);
	memcpy((uint8_t *)next_key + 4, n->data, lctl(map)->data_size);
}

/* trie_get_next_key(): post-order, more specific prefixes first */
static int lpm_get_next_key(struct hive_map *map, const void *key, void *next_key)
{
	struct lpm_ctl *c = lctl(map);
	struct lpm_node *stack[260 * 8 + 2], *node, *next = NULL, *search_root;
	uint32_t kplen = 0, m = 0;
	const uint8_t *kdata = NULL;
	int sp = -1, ret = 0;

	shm_lock(&c->lock);
	if (!atomic_load(&c->root)) {
		ret = -ENOENT;
		goto out;
	}
	search_root = node_at(map, atomic_load(&c->root));
	if (key)
		memcpy(&kplen, key, 4);
	if (!key || kplen > max_prefixlen(map))
		goto find_leftmost;
	kdata = (const uint8_t *)key + 4;
	for (node = search_root; node;) {
		uint32_t ch;

		stack[++sp] = node;
		m = prefix_match(map, node, kplen, kdata);
		if (node->prefixlen != m || node->prefixlen == kplen)
			break;
		ch = atomic_load(&node->child[extract_bit(kdata, node->prefixlen)]);
		node = ch ? node_at(map, ch) : NULL;
	}
	if (!node || node->prefixlen != m || (node->flags & LPM_IM))
		goto find_leftmost;
	node = stack[sp];
	while (sp > 0) {
		struct lpm_node *parent = stack[sp - 1];

		if (atomic_load(&parent->child[0]) == node_ref(map, node)) {
			uint32_t r = atomic_load(&parent->child[1]);

			if (r) {
				search_root = node_at(map, r);
				goto find_leftmost;
			}
		}
		if (!(parent->flags & LPM_IM)) {
			next = parent;
			goto do_copy;
		}
		node = parent;
		sp--;
	}
	ret = -ENOENT;
	goto out;
find_leftmost:
	for (node = search_root; node;) {
		uint32_t ch;

		if (node->flags & LPM_IM) {
			ch = atomic_load(&node->child[0]);
		} else {
			next = node;
			ch = atomic_load(&node->child[0]);
			if (!ch)
				ch = atomic_load(&next->child[1]);
		}
		node = ch ? node_at(map, ch) : NULL;
	}
do_copy:
	copy_key(map, next, next_key);
out:
	shm_unlock(&c->lock);
	return ret;
}

const struct hive_map_ops hive_lpm_trie_ops = {
	.alloc_check = lpm_alloc_check,
	.layout = lpm_layout,
	.init = lpm_init,
	.lookup = lpm_lookup,
	.update = lpm_update,
	.delete = lpm_delete,
	.get_next_key = lpm_get_next_key,
	.batch = HIVE_BATCH_LOOKUP | HIVE_BATCH_UPDATE | HIVE_BATCH_DELETE,
};
