/*
 * test_cli_map.c - `hive map`: every command run through the built binary
 * on a private hive filesystem, with the exact plain and JSON output of
 * bpftool 7.1 and its error messages and exit codes.
 */
#include "hive/hive_bpf.h"
#include "test_cli_util.h"

#define MAPP "pinned /sys/fs/bpf/m"

TEST(cli_map_hash_session)
{
	struct cli c;
	int first;

	REQUIRE(cli_init(&c) == 0);
	CLI_OK(&c, "", "map create /sys/fs/bpf/m type hash key 4 value 8 entries 4 name m");
	cli_run(&c, "map show");
	cli_mask(c.out, "memlock ");
	CHECK_STR(c.out, "1: hash  name m  flags 0x0\n\tkey 4B  value 8B  max_entries 4  memlock NB\n");
	cli_run(&c, "-j map list");
	cli_mask(c.out, "\"bytes_memlock\":");
	CHECK_STR(c.out, "[{\"id\":1,\"type\":\"hash\",\"name\":\"m\",\"flags\":0,\"bytes_key\":4,"
			 "\"bytes_value\":8,\"max_entries\":4,\"bytes_memlock\":N,\"frozen\":0}]\n");
	cli_run(&c, "-p map show id 1");
	cli_mask(c.out, "\"bytes_memlock\": ");
	CHECK_STR(c.out, "{\n    \"id\": 1,\n    \"type\": \"hash\",\n    \"name\": \"m\",\n"
			 "    \"flags\": 0,\n    \"bytes_key\": 4,\n    \"bytes_value\": 8,\n"
			 "    \"max_entries\": 4,\n    \"bytes_memlock\": N,\n    \"frozen\": 0\n}\n");
	/* -f lists where it is pinned (on the hive fs) */
	cli_run(&c, "-f map show name m");
	CHECK(strstr(c.out, "\n\tpinned ") && strstr(c.out, "/fs/m\n"));

	CLI_OK(&c, "", "map update " MAPP " key 1 0 0 0 value 2 0 0 0 0 0 0 0");
	CLI_OK(&c, "null\n", "-j map update " MAPP " key hex 02 00 00 00 value 0x03 0 0 0 0 0 0 0x10 noexist");
	CLI_ERR(&c, 239, "Error: update failed: File exists\n",
		"map update " MAPP " key 2 0 0 0 value 0 0 0 0 0 0 0 0 noexist");
	CLI_ERR(&c, 254, "Error: update failed: No such file or directory\n",
		"map update " MAPP " key 9 0 0 0 value 0 0 0 0 0 0 0 0 exist");
	CLI_OK(&c, "key: 01 00 00 00  value: 02 00 00 00 00 00 00 00\n",
	       "map lookup " MAPP " key 1 0 0 0");
	CLI_OK(&c, "{\"key\":[\"0x02\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0x03\",\"0x00\","
		   "\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x10\"]}\n",
	       "-j map lookup " MAPP " key 2 0 0 0");
	/* a missing key: "Not found" (null with -j), exit -ENOENT as bpftool */
	cli_run(&c, "map lookup " MAPP " key 9 0 0 0");
	CHECK_EQ(c.status, 254);
	CHECK_STR(c.out, "key:\n09 00 00 00\n\nNot found\n");
	cli_run(&c, "-j map lookup " MAPP " key 9 0 0 0");
	CHECK_EQ(c.status, 254);
	CHECK_STR(c.out, "null\n");
	/* hash order is the map's: walk it without assuming one */
	cli_run(&c, "map getnext " MAPP);
	CHECK_EQ(c.status, 0);
	first = strstr(c.out, "next key:\n01") ? 1 : 2;
	CHECK_STR(c.out, first == 1 ? "key: None\nnext key:\n01 00 00 00\n" :
				      "key: None\nnext key:\n02 00 00 00\n");
	cli_run(&c, "map getnext " MAPP " key %d 0 0 0", first);
	CHECK_EQ(c.status, 0);
	CHECK_STR(c.out, first == 1 ? "key:\n01 00 00 00\nnext key:\n02 00 00 00\n" :
				      "key:\n02 00 00 00\nnext key:\n01 00 00 00\n");
	cli_run(&c, "-j map getnext " MAPP);
	CHECK_STR(c.out, first == 1 ? "{\"key\":null,\"next_key\":[\"0x01\",\"0x00\",\"0x00\",\"0x00\"]}\n" :
				      "{\"key\":null,\"next_key\":[\"0x02\",\"0x00\",\"0x00\",\"0x00\"]}\n");
	CLI_ERR(&c, 254, "Error: can't get next key: No such file or directory\n",
		"map getnext " MAPP " key %d 0 0 0", 3 - first);
	{
		const char *e1 = "key: 01 00 00 00  value: 02 00 00 00 00 00 00 00\n";
		const char *e2 = "key: 02 00 00 00  value: 03 00 00 00 00 00 00 10\n";
		const char *j1 = "{\"key\":[\"0x01\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0x02\","
				 "\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\"]}";
		const char *j2 = "{\"key\":[\"0x02\",\"0x00\",\"0x00\",\"0x00\"],\"value\":[\"0x03\","
				 "\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x10\"]}";
		char want[1024];

		snprintf(want, sizeof(want), "%s%sFound 2 elements\n", first == 1 ? e1 : e2,
			 first == 1 ? e2 : e1);
		CLI_OK(&c, want, "map dump " MAPP);
		snprintf(want, sizeof(want), "[%s,%s]\n", first == 1 ? j1 : j2, first == 1 ? j2 : j1);
		CLI_OK(&c, want, "-j map dump id 1");
	}
	/* pretty JSON, one element */
	CLI_OK(&c, "{\n    \"key\": [\"0x01\",\"0x00\",\"0x00\",\"0x00\"\n    ],\n"
		   "    \"value\": [\"0x02\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\",\"0x00\"\n"
		   "    ]\n}\n", "-p map lookup name m key 1 0 0 0");
	CLI_OK(&c, "", "map delete " MAPP " key 1 0 0 0");
	CLI_ERR(&c, 254, "Error: delete failed: No such file or directory\n",
		"map delete " MAPP " key 1 0 0 0");
	CLI_OK(&c, "null\n", "-j map delete " MAPP " key 2 0 0 0");
	CLI_OK(&c, "Found 0 elements\n", "map dump " MAPP);
	/* a second pin, then both names reach the same map */
	CLI_OK(&c, "", "map pin id 1 /sys/fs/bpf/m2");
	CLI_OK(&c, "", "map update pinned /sys/fs/bpf/m2 key 7 0 0 0 value 1 1 1 1 1 1 1 1");
	CLI_OK(&c, "key: 07 00 00 00  value: 01 01 01 01 01 01 01 01\n", "map lookup " MAPP " key 7 0 0 0");
	/* freeze: writes from user space fail afterwards */
	CLI_OK(&c, "", "map freeze " MAPP);
	cli_run(&c, "map show " MAPP);
	CHECK(strstr(c.out, "\n\tfrozen\n") != NULL);
	cli_run(&c, "-j map show " MAPP);
	CHECK(strstr(c.out, "\"frozen\":1}") != NULL);
	CLI_ERR(&c, 255 /* -EPERM */, "Error: update failed: Operation not permitted\n",
		"map update " MAPP " key 7 0 0 0 value 0 0 0 0 0 0 0 0");
	CLI_ERR(&c, 255, "Error: failed to freeze map: Operation not permitted\n", "map freeze " MAPP);
	cli_fini(&c);
}

/* Wrong input: bpftool's messages, on stderr or as {"error": ...} with -j. */
static const struct {
	int code;
	const char *args, *err;
} map_errors[] = {
	{ 255, "map show id 99", "get map by id (99): No such file or directory" },
	{ 255, "map show id x1", "can't parse x1 as ID" },
	{ 255, "map show name", "what is 'name'?" },
	{ 255, "map show name nomap", "no map matches this handle" },
	{ 255, "map show bogus 1", "expected 'id', 'name' or 'pinned', got: 'bogus'?" },
	{ 255, "map show pinned /sys/fs/bpf/none", "bpf obj get (/sys/fs/bpf/none): No such file or directory" },
	{ 255, "map lookup " MAPP " key 1 0 0", "key expected 4 bytes got 3" },
	{ 255, "map lookup " MAPP " key 1 0 0 0 0", "expected key or value, got: 0" },
	{ 255, "map lookup " MAPP " key hex zz 0 0 0", "error parsing byte: zz" },
	{ 255, "map lookup " MAPP " key 256 0 0 0", "error parsing byte: 256" },
	{ 255, "map lookup " MAPP " key 1 0 0 0 key 1", "duplicate key" },
	{ 255, "map lookup " MAPP, "did not find key" },
	{ 255, "map update " MAPP " key 1 0 0 0", "did not find value" },
	{ 255, "map update " MAPP " value 1 0 0 0 0 0 0 0", "did not find key" },
	{ 255, "map update " MAPP " key 1 0 0 0 value 1 2 3 4 5 6 7 8 any exist", "flags specified multiple times: exist" },
	{ 255, "map update " MAPP " key 1 0 0 0 value 1 2", "value expected 8 bytes got 2" },
	{ 255, "map delete " MAPP " key 1 0 0 0 value 1", "unnecessary value" },
	{ 255, "map freeze " MAPP " extra", "what is 'extra'?" },
	{ 255, "map create /sys/fs/bpf/x", "'create' needs at least 7 arguments, 1 found" },
	{ 255, "map create /sys/fs/bpf/x type foo key 4 value 4 entries 1 name a", "unrecognized map type: foo" },
	{ 255, "map create /sys/fs/bpf/x type hash key 4 value 8 entries 4", "map name not specified" },
	{ 255, "map create /sys/fs/bpf/x type hash key 4x value 8 entries 4 name x", "can't parse 4x as key size" },
	{ 255, "map create /sys/fs/bpf/x type hash key 4 value 8 entries 4 name x key 4", "key size already specified" },
	{ 255, "map create /sys/fs/bpf/x type hash key 4 value 8 entries 4 name x foo 1", "unknown arg foo" },
	{ 255, "map create /sys/fs/bpf/x type hash key 4 value 0 entries 4 name x", "map create failed: Invalid argument" },
	{ 255, "map create /sys/fs/bpf/x type devmap key 4 value 4 entries 4 name x", "map create failed: Invalid argument" },
	{ 255, "map create /sys/fs/bpf/no/x type hash key 4 value 8 entries 4 name x",
	  "can't mount BPF file system to pin the object (/sys/fs/bpf/no/x): mount --make-private /sys/fs/bpf/no failed: No such file or directory" },
	{ 239, "map create /sys/fs/bpf/m type hash key 4 value 8 entries 4 name x", "can't pin the object (/sys/fs/bpf/m): File exists" },
	{ 234, "map pin " MAPP, "'pin' needs at least 3 arguments, 2 found" },
	{ 255, "map event_pipe " MAPP, "map is not a perf event array or a ring buffer" },
	{ 255, "map bogus", "unknown map command 'bogus'" },
};

TEST(cli_map_errors)
{
	char want[512];
	struct cli c;
	size_t i;

	REQUIRE(cli_init(&c) == 0);
	CLI_OK(&c, "", "map create /sys/fs/bpf/m type hash key 4 value 8 entries 4 name m");
	for (i = 0; i < sizeof(map_errors) / sizeof(map_errors[0]); i++) {
		cli_run(&c, "%s", map_errors[i].args);
		snprintf(want, sizeof(want), "Error: %s\n", map_errors[i].err);
		/* library warnings may come first, usage after */
		if (c.status != map_errors[i].code || !cli_has_line(c.err, want) || c.out[0])
			test_fail(__FILE__, __LINE__, "hive %s: exit %d, stderr \"%s\", stdout \"%s\"",
				  map_errors[i].args, c.status, c.err, c.out);
		cli_run(&c, "-j %s", map_errors[i].args);
		snprintf(want, sizeof(want), "{\"error\":\"%s\"}\n", map_errors[i].err);
		if (c.status != map_errors[i].code || strcmp(c.out, want))
			test_fail(__FILE__, __LINE__, "hive -j %s: exit %d, stdout \"%s\"",
				  map_errors[i].args, c.status, c.out);
	}
	/* nothing half-created: failed creations left no map behind */
	CLI_OK(&c, "[{\"id\":1,\"type\":\"hash\",\"name\":\"m\",\"flags\":0}]\n",
	       "-j map show | sed 's/,\"bytes_key.*}/}/'");
	cli_run(&c, "-p map show name nomap");
	CHECK_STR(c.out, "{\n    \"error\": \"no map matches this handle\"\n}\n");
	/* pins outside the hive filesystem are refused with the reason */
	cli_run(&c, "map pin " MAPP " /tmp/elsewhere");
	CHECK_EQ(c.status, 255);
	CHECK(strstr(c.err, "Error: can't pin the object (/tmp/elsewhere): not in the hive file system") == c.err);
	cli_fini(&c);
}

TEST(cli_map_array_percpu)
{
	unsigned ncpus = (unsigned)hive_num_possible_cpus(), i;
	char want[4096];
	size_t n = 0;
	struct cli c;

	REQUIRE(cli_init(&c) == 0);
	CLI_OK(&c, "", "map create /sys/fs/bpf/a type array key 4 value 20 entries 2 name arr");
	CLI_OK(&c, "", "map update pinned /sys/fs/bpf/a key 1 0 0 0 value hex 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14");
	/* values over 16 bytes break the line, 16 bytes per row, 8 + 8 */
	CLI_OK(&c, "key:\n00 00 00 00\nvalue:\n00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00\n00 00 00 00\n"
		   "key:\n01 00 00 00\nvalue:\n01 02 03 04 05 06 07 08  09 0a 0b 0c 0d 0e 0f 10\n11 12 13 14\n"
		   "Found 2 elements\n", "map dump pinned /sys/fs/bpf/a");
	CLI_ERR(&c, 234, "Error: delete failed: Invalid argument\n", "map delete pinned /sys/fs/bpf/a key 0 0 0 0");

	/* per-CPU: one value per possible CPU; an update writes all of them */
	CLI_OK(&c, "", "map create /sys/fs/bpf/p type percpu_array key 4 value 4 entries 1 name pc");
	CLI_OK(&c, "", "map update pinned /sys/fs/bpf/p key 0 0 0 0 value 7 0 0 0");
	n += (size_t)snprintf(want, sizeof(want), "key:\n00 00 00 00\n");
	for (i = 0; i < ncpus && n < sizeof(want) - 64; i++)
		n += (size_t)snprintf(want + n, sizeof(want) - n, "value (CPU %02u): 07 00 00 00\n", i);
	CLI_OK(&c, want, "map lookup pinned /sys/fs/bpf/p key 0 0 0 0");
	n = (size_t)snprintf(want, sizeof(want), "{\"key\":[\"0x00\",\"0x00\",\"0x00\",\"0x00\"],\"values\":[");
	for (i = 0; i < ncpus && n < sizeof(want) - 128; i++)
		n += (size_t)snprintf(want + n, sizeof(want) - n,
				      "%s{\"cpu\":%u,\"value\":[\"0x07\",\"0x00\",\"0x00\",\"0x00\"]}",
				      i ? "," : "", i);
	snprintf(want + n, sizeof(want) - n, "]}\n");
	CLI_OK(&c, want, "-j map lookup pinned /sys/fs/bpf/p key 0 0 0 0");
	cli_fini(&c);
}

TEST(cli_map_queue_stack)
{
	struct cli c;

	REQUIRE(cli_init(&c) == 0);
	CLI_OK(&c, "", "map create /sys/fs/bpf/q type queue key 0 value 4 entries 2 name q");
	CLI_OK(&c, "", "map push pinned /sys/fs/bpf/q value 1 0 0 0");
	CLI_OK(&c, "null\n", "-j map enqueue pinned /sys/fs/bpf/q value 2 0 0 0");
	CLI_ERR(&c, 249, "Error: update failed: Argument list too long\n",
		"map push pinned /sys/fs/bpf/q value 3 0 0 0");
	CLI_ERR(&c, 255, "Error: unnecessary key\n", "map push pinned /sys/fs/bpf/q key 1 value 3 0 0 0");
	CLI_OK(&c, "value: 01 00 00 00\n", "map peek pinned /sys/fs/bpf/q");
	CLI_OK(&c, "{\"key\":[],\"value\":[\"0x01\",\"0x00\",\"0x00\",\"0x00\"]}\n", "-j map peek pinned /sys/fs/bpf/q");
	CLI_OK(&c, "value: 01 00 00 00\n", "map pop pinned /sys/fs/bpf/q");
	CLI_OK(&c, "value: 02 00 00 00\n", "map dequeue pinned /sys/fs/bpf/q");
	/* empty: bpftool's "Error: empty map" on stdout, -ENOENT */
	cli_run(&c, "map pop pinned /sys/fs/bpf/q");
	CHECK_EQ(c.status, 254);
	CHECK_STR(c.out, "Error: empty map\n");
	cli_run(&c, "-j map pop pinned /sys/fs/bpf/q");
	CHECK_EQ(c.status, 254);
	CHECK_STR(c.out, "null\n");
	cli_run(&c, "map peek pinned /sys/fs/bpf/q");
	CHECK_EQ(c.status, 254);
	CHECK_STR(c.out, "key:\n\n\nNot found\n");

	CLI_OK(&c, "", "map create /sys/fs/bpf/s type stack key 0 value 4 entries 4 name s");
	CLI_OK(&c, "", "map push pinned /sys/fs/bpf/s value 1 0 0 0");
	CLI_OK(&c, "", "map push pinned /sys/fs/bpf/s value 2 0 0 0");
	CLI_OK(&c, "value: 02 00 00 00\n", "map pop pinned /sys/fs/bpf/s");
	CLI_OK(&c, "value: 01 00 00 00\n", "map pop pinned /sys/fs/bpf/s");
	cli_fini(&c);
}

TEST(cli_map_in_map)
{
	struct cli c;

	REQUIRE(cli_init(&c) == 0);
	CLI_OK(&c, "", "map create /sys/fs/bpf/in type array key 4 value 4 entries 2 name inner");
	CLI_OK(&c, "", "map create /sys/fs/bpf/out type array_of_maps key 4 value 4 entries 2 name outer "
		       "inner_map pinned /sys/fs/bpf/in");
	CLI_ERR(&c, 255, "Error: inner map already specified\n",
		"map create /sys/fs/bpf/o2 type array_of_maps key 4 value 4 entries 2 name o2 "
		"inner_map id 1 inner_map id 1");
	/* the value of a map-in-map is a MAP; lookups return its id */
	CLI_OK(&c, "", "map update pinned /sys/fs/bpf/out key 1 0 0 0 value pinned /sys/fs/bpf/in");
	CLI_OK(&c, "key: 01 00 00 00  value: 01 00 00 00\n", "map lookup pinned /sys/fs/bpf/out key 1 0 0 0");
	CLI_ERR(&c, 255, "Error: not enough value arguments for map in map\n",
		"map update pinned /sys/fs/bpf/out key 1 0 0 0 value id");
	/* empty slots are skipped in dumps, as bpftool */
	CLI_OK(&c, "key: 01 00 00 00  value: 01 00 00 00\nFound 1 element\n", "map dump pinned /sys/fs/bpf/out");
	cli_fini(&c);
}
