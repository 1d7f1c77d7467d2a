/*-------------------------------------------------------------------------
 *
 * producer.c
 *	  The Kafka side: librdkafka producer, or JSON lines on stdout
 *
 * One Kafka message per E record: the event key as the message key (so all
 * changes of a row go to one partition, in order), the value as it is or a
 * null value for a tombstone, the __debezium.newkey/oldkey headers and, for
 * data events, Debezium's four context headers.  The producer is idempotent
 * with acks=all, so librdkafka's retries neither duplicate nor reorder
 * messages within a partition.
 *
 * Two defaults differ from librdkafka's and matter for the guarantee:
 *
 *	- message.timeout.ms = 0 (infinite).  A broker that is down for a while
 *	  must not fail messages: a failed message stops the relay (it may never
 *	  be skipped), while a message that waits costs nothing, because the
 *	  queue limit then stops the relay from reading the slot.  Anyone who
 *	  prefers to fail can set -X message.timeout.ms=N.
 *	- the queue is bounded by --max-queue-bytes (8 MB; librdkafka's defaults
 *	  buffer about 1 GiB), counted here over keys and values: when it is
 *	  full, producer_send says so and main stops reading from PostgreSQL
 *	  until deliveries free space (backpressure, never dropping).  A record
 *	  larger than the whole queue is accepted when the queue is empty, so
 *	  librdkafka's own limit (queue.buffering.max.kbytes) is set to the
 *	  queue plus one record of message.max.bytes.
 *
 * A record Kafka refuses for its size (the producer's message.max.bytes at
 * produce time, the brokers' message.max.bytes or the topic's
 * max.message.bytes in the delivery report) can never be produced; Debezium's
 * event.processing.failure.handling.mode says whether it stops the relay
 * (fail, with the limit to raise) or is skipped (warn, skip).
 *
 * Every topic is checked once, when first used: a name Kafka would refuse,
 * or one that differs from another topic of this run only by '.' against
 * '_' (Kafka takes them for the same topic), stops the relay with a message
 * naming it, instead of waiting on a topic the broker never creates.
 *
 * compression.type = lz4 (the repeated Kafka Connect schemas compress about
 * 23 times) and partitioner = murmur2_random (the Java client's partitioner,
 * so a key lands in the same partition as it did with Debezium) are set
 * too.  Every -X property is applied after these defaults.
 *
 * Delivery reports arrive through rd_kafka_poll on the main thread, so the
 * ack tracker needs no locking.  The message opaque is the transaction's
 * sequence number itself, so nothing is allocated per message here.
 *
 * Without bootstrap servers, each message becomes one JSON line on stdout
 * and its "delivery" is the write; producer_commit flushes stdio at each C.
 *
 * Only main exits; this module logs and returns.
 *
 * IDENTIFICATION
 *	  relay/producer.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres_fe.h"

#include <fcntl.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "common/logging.h"
#include "libwalcast/json.h"

#include "producer.h"

/* Property defaults applied before the user's (see the file comment). */
static const char *const default_props[][2] =
{
	{"client.id", "walcast-relay"},
	{"enable.idempotence", "true"},
	{"acks", "all"},
	{"compression.type", "lz4"},
	{"message.timeout.ms", "0"},
	{"partitioner", "murmur2_random"},
};

/*
 * A record Kafka refuses for its size can never be produced.  In fail mode,
 * log which limit to raise and return false; otherwise return true: the
 * caller skips it (and main logs its position).
 */
static bool
record_too_large(Producer *p, const char *topic, int64 bytes, bool at_broker,
				 rd_kafka_resp_err_t err)
{
	if (p->failure_mode != RELAY_FAILURE_FAIL)
		return true;
	if (p->failure_logged)
		return false;
	p->failure_logged = true;
	if (at_broker)
	{
		pg_log_error("cannot deliver a record of %lld bytes to topic \"%s\": %s",
					 (long long) bytes, topic, rd_kafka_err2str(err));
		pg_log_error_detail("The broker refuses records (after compression) larger than its message.max.bytes or the topic's max.message.bytes.");
		pg_log_error_hint("Raise message.max.bytes on the brokers or max.message.bytes on topic \"%s\", or set %s to \"warn\" or \"skip\" to skip such records.",
						  topic, RELAY_FAILURE_MODE_KEY);
	}
	else
	{
		pg_log_error("cannot produce a record of %lld bytes to topic \"%s\": it exceeds the producer's message.max.bytes of %lld",
					 (long long) bytes, topic, (long long) p->max_message_bytes);
		pg_log_error_hint("Raise it with -X message.max.bytes=N (at most 1000000000), with the brokers' message.max.bytes or the topic's max.message.bytes, or set %s to \"warn\" or \"skip\" to skip such records.",
						  RELAY_FAILURE_MODE_KEY);
	}
	return false;
}

/* Log a failed delivery (the first one: the others follow from it). */
static void
report_delivery_failure(Producer *p, const char *topic,
						rd_kafka_resp_err_t err)
{
	if (p->failure_logged)
	{
		pg_log_debug("could not deliver message to topic \"%s\": %s", topic,
					 rd_kafka_err2str(err));
		return;
	}
	p->failure_logged = true;
	pg_log_error("could not deliver message to topic \"%s\": %s", topic,
				 rd_kafka_err2str(err));
	if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
		err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC)
		pg_log_error_hint("Create topic \"%s\", or set auto.create.topics.enable=true on the brokers.  Where auto-creation is on already, a topic whose name differs from it only by \".\" and \"_\" prevents it.",
						  topic);
	else if (err == RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION)
		pg_log_error_hint("Kafka refuses this topic name; a topic whose name differs from it only by \".\" and \"_\" may exist already.");
	else if (err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
		pg_log_error_hint("Allow the relay's Kafka user to write to topic \"%s\" (and to create it, if it does not exist).",
						  topic);
}

static void
delivery_cb(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
	Producer   *p = (Producer *) opaque;
	const char *topic = rd_kafka_topic_name(msg->rkt);
	int64		bytes = (int64) msg->len + (int64) msg->key_len;
	ProducerOutcome outcome = PRODUCER_DELIVERED;

	p->queued_bytes -= bytes;
	if (msg->err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ||
		msg->err == RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE)
		outcome = record_too_large(p, topic, bytes, true, msg->err) ?
			PRODUCER_DELIVERY_SKIPPED : PRODUCER_DELIVERY_FAILED;
	else if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR)
	{
		report_delivery_failure(p, topic, msg->err);
		outcome = PRODUCER_DELIVERY_FAILED;
	}
	p->on_delivery(p->on_delivery_arg, (uint64) (uintptr_t) msg->_private,
				   outcome, topic, bytes);
}

/*
 * librdkafka reports broker trouble here; it keeps retrying by itself
 * (reconnect.backoff.ms doubling up to reconnect.backoff.max.ms), so only a
 * fatal error (the idempotent producer's state is lost) stops the relay.
 */
static void
error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	Producer   *p = (Producer *) opaque;
	char		errstr[512];

	if (err == RD_KAFKA_RESP_ERR__FATAL)
	{
		rd_kafka_fatal_error(rk, errstr, sizeof(errstr));
		pg_log_error("fatal Kafka producer error: %s", errstr);
		p->fatal = true;
	}
	else if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
		pg_log_warning("all Kafka brokers are down; retrying: %s", reason);
	else
		pg_log_warning("Kafka: %s; retrying", reason);
}

/*
 * librdkafka's own log lines.  Its errors (level 3) repeat what error_cb
 * reports, so they only show with -v -v; its warnings go out at info level
 * (a fresh broker's "Coordinator load in progress" is one, and harmless).
 */
static void
log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
	if (level <= 2)
		pg_log_warning("Kafka: %s: %s", fac, buf);
	else if (level == 4)
		pg_log_info("Kafka: %s: %s", fac, buf);
	else
		pg_log_debug("Kafka: %s: %s", fac, buf);
}

static bool
conf_set(rd_kafka_conf_t *conf, const char *name, const char *value)
{
	char		errstr[512];

	if (value == NULL)
	{
		pg_log_error("Kafka property \"%s\" requires a value", name);
		return false;
	}
	if (rd_kafka_conf_set(conf, name, value, errstr, sizeof(errstr)) !=
		RD_KAFKA_CONF_OK)
	{
		pg_log_error("invalid Kafka property \"%s\": %s", name, errstr);
		return false;
	}
	return true;
}

/* An integer property's value, 0 if it cannot be read. */
static int64
conf_get_int(rd_kafka_conf_t *conf, const char *name)
{
	char		buf[32];
	size_t		size = sizeof(buf);

	if (rd_kafka_conf_get(conf, name, buf, &size) != RD_KAFKA_CONF_OK)
		return 0;
	return strtoll(buf, NULL, 10);
}

/* Build the configuration: defaults, queue limits, then the user's. */
static rd_kafka_conf_t *
build_conf(Producer *p, const RelayConfig *cfg)
{
	rd_kafka_conf_t *conf = rd_kafka_conf_new();
	char		num[32];
	bool		ok = true;
	int			i;

	for (i = 0; i < lengthof(default_props); i++)
		ok = ok && conf_set(conf, default_props[i][0], default_props[i][1]);
	/* about 256 bytes per message at least: a count that rarely binds */
	snprintf(num, sizeof(num), "%lld",
			 (long long) Min(Max(cfg->max_queue_bytes / 256, 1000), 10000000));
	ok = ok && conf_set(conf, "queue.buffering.max.messages", num);
	for (i = 0; ok && i < cfg->kafka_props.count; i++)
		ok = conf_set(conf, cfg->kafka_props.items[i].name,
					  cfg->kafka_props.items[i].value);
	p->max_message_bytes = conf_get_int(conf, "message.max.bytes");
	/* room for the whole queue plus one record as large as Kafka accepts */
	snprintf(num, sizeof(num), "%lld",
			 (long long) Min((cfg->max_queue_bytes + p->max_message_bytes) / 1024 + 1,
							 PG_INT32_MAX));
	if (ok && nv_find(&cfg->kafka_props, "queue.buffering.max.kbytes") == NULL)
		ok = conf_set(conf, "queue.buffering.max.kbytes", num);
	if (!ok)
	{
		rd_kafka_conf_destroy(conf);
		return NULL;
	}
	rd_kafka_conf_set_opaque(conf, p);
	rd_kafka_conf_set_dr_msg_cb(conf, delivery_cb);
	rd_kafka_conf_set_error_cb(conf, error_cb);
	rd_kafka_conf_set_log_cb(conf, log_cb);
	return conf;
}

/*
 * Ask librdkafka to write to a pipe whenever its main queue (delivery
 * reports, errors) gets something, so main can poll() on that and on the
 * PostgreSQL socket together.
 */
static bool
enable_wake_fd(Producer *p)
{
	rd_kafka_queue_t *q;

	if (pipe(p->wake_fd) != 0)
	{
		pg_log_error("could not create pipe: %m");
		return false;
	}
	fcntl(p->wake_fd[0], F_SETFL, O_NONBLOCK);
	fcntl(p->wake_fd[1], F_SETFL, O_NONBLOCK);
	q = rd_kafka_queue_get_main(p->rk);
	rd_kafka_queue_io_event_enable(q, p->wake_fd[1], "1", 1);
	rd_kafka_queue_destroy(q);
	return true;
}

/*
 * Set up the producer (or the stdout sink).  fn is called for every
 * message's outcome with arg.  On failure everything is released.
 */
bool
producer_init(Producer *p, const RelayConfig *cfg, ProducerDeliveryFn fn,
			  void *arg)
{
	rd_kafka_conf_t *conf;
	char		errstr[512];

	memset(p, 0, sizeof(*p));
	p->wake_fd[0] = p->wake_fd[1] = -1;
	p->on_delivery = fn;
	p->on_delivery_arg = arg;
	p->failure_mode = cfg->failure_mode;
	p->max_queue_bytes = cfg->max_queue_bytes;
	producer_make_uuid7(p->run_id);
	if (config_stdout_mode(cfg))
	{
		p->out = stdout;
		initStringInfo(&p->line);
		return true;
	}
	conf = build_conf(p, cfg);
	if (conf == NULL)
		return false;
	p->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
	if (p->rk == NULL)
	{
		pg_log_error("could not create Kafka producer: %s", errstr);
		rd_kafka_conf_destroy(conf);
		return false;
	}
	if (!enable_wake_fd(p))
	{
		producer_destroy(p);
		return false;
	}
	return true;
}

/*
 * Fail early, with a clear message, when no broker answers at startup.
 * (Later outages are waited out.)
 */
bool
producer_check_brokers(Producer *p, int timeout_ms)
{
	const struct rd_kafka_metadata *md;
	rd_kafka_resp_err_t err;

	if (p->rk == NULL)
		return true;
	err = rd_kafka_metadata(p->rk, 0, NULL, &md, timeout_ms);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
	{
		pg_log_error("could not connect to Kafka: %s", rd_kafka_err2str(err));
		pg_log_error_hint("Check bootstrap.servers (-b) and that the brokers are running and reachable.");
		return false;
	}
	rd_kafka_metadata_destroy(md);
	return true;
}

/* The cached topic handle for name, created on first use. */
static rd_kafka_topic_t *
get_topic(Producer *p, const char *name)
{
	int			i;
	ProducerTopic *t;

	const char *problem;

	/* XXX: a linear search; fine for hundreds of tables, hash it if not */
	for (i = p->ntopics - 1; i >= 0; i--)
		if (strcmp(p->topics[i].name, name) == 0)
			return p->topics[i].rkt;
	if ((problem = route_topic_problem(name)) != NULL)
	{
		pg_log_error("invalid Kafka topic name \"%s\"", name);
		pg_log_error_detail("%s", problem);
		pg_log_error_hint("The walcast plugin writes valid topic names; use a plugin of the same walcast version as walcast-relay.");
		return NULL;
	}
	for (i = 0; i < p->ntopics; i++)
	{
		if (!route_topics_collide(p->topics[i].name, name))
			continue;
		pg_log_error("topics \"%s\" and \"%s\" collide in Kafka", name,
					 p->topics[i].name);
		pg_log_error_detail("Kafka takes topic names that differ only by \".\" and \"_\" for the same topic and refuses to create the second one.");
		pg_log_error_hint("Leave one of the two tables out with table.exclude.list (or table.include.list or the publication), or stream it through its own slot and relay with another topic.prefix; walcast has no per-table topic routing.");
		return NULL;
	}
	if (p->ntopics == p->topics_cap)
	{
		p->topics_cap = Max(16, p->topics_cap * 2);
		p->topics = pg_realloc(p->topics, p->topics_cap * sizeof(ProducerTopic));
	}
	t = &p->topics[p->ntopics];
	t->rkt = rd_kafka_topic_new(p->rk, name, NULL);
	if (t->rkt == NULL)
	{
		pg_log_error("could not create Kafka topic handle \"%s\": %s", name,
					 rd_kafka_err2str(rd_kafka_last_error()));
		return NULL;
	}
	t->name = pg_strdup(name);
	p->ntopics++;
	return t->rkt;
}

/* The message's headers, or NULL when it has none. */
static rd_kafka_headers_t *
build_headers(const Producer *p, const RouteEvent *ev, const char *prefix)
{
	rd_kafka_headers_t *h;

	if (ev->newkey == NULL && ev->oldkey == NULL && !ev->context)
		return NULL;
	h = rd_kafka_headers_new(6);
	if (ev->newkey)
		rd_kafka_header_add(h, "__debezium.newkey", -1, ev->newkey,
							ev->newkey_len);
	if (ev->oldkey)
		rd_kafka_header_add(h, "__debezium.oldkey", -1, ev->oldkey,
							ev->oldkey_len);
	if (ev->context)
	{
		rd_kafka_header_add(h, "__debezium.context.connectorLogicalName", -1,
							prefix, -1);
		rd_kafka_header_add(h, "__debezium.context.taskId", -1, "0", 1);
		rd_kafka_header_add(h, "__debezium.context.connectorName", -1,
							"postgresql", -1);
		rd_kafka_header_add(h, "__debezium.context.runId", -1, p->run_id, -1);
	}
	return h;
}

/* The bytes of an event the queue limit counts: its key and value. */
int64
producer_event_bytes(const RouteEvent *ev)
{
	return (int64) (ev->key ? ev->key_len : 0) +
		(int64) (ev->value ? ev->value_len : 0);
}

static ProducerSendStatus
send_kafka(Producer *p, const RouteEvent *ev, const char *prefix, uint64 seq)
{
	int64		bytes = producer_event_bytes(ev);
	rd_kafka_topic_t *rkt;
	rd_kafka_headers_t *hdrs;
	rd_kafka_resp_err_t err;

	/* an event larger than the whole queue goes once the queue is empty */
	if (p->queued_bytes > 0 && p->queued_bytes + bytes > p->max_queue_bytes)
		return PRODUCER_QUEUE_FULL;
	rkt = get_topic(p, ev->topic);
	if (rkt == NULL)
		return PRODUCER_FAILED;
	hdrs = build_headers(p, ev, prefix);
	err = rd_kafka_producev(p->rk,
							RD_KAFKA_V_RKT(rkt),
							RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
							RD_KAFKA_V_KEY(ev->key, ev->key ? ev->key_len : 0),
							RD_KAFKA_V_VALUE((void *) ev->value,
											 ev->value ? ev->value_len : 0),
							RD_KAFKA_V_HEADERS(hdrs),
							RD_KAFKA_V_OPAQUE((void *) (uintptr_t) seq),
							RD_KAFKA_V_END);
	if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
	{
		p->queued_bytes += bytes;
		return PRODUCER_SENT;	/* the message owns hdrs now */
	}
	if (hdrs)
		rd_kafka_headers_destroy(hdrs);
	if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL && rd_kafka_outq_len(p->rk) > 0)
		return PRODUCER_QUEUE_FULL;
	if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL)
	{
		/* only with -X queue.buffering.max.kbytes or .messages set small */
		pg_log_error("cannot queue a record of %lld bytes for topic \"%s\": it does not fit in the empty producer queue",
					 (long long) bytes, ev->topic);
		pg_log_error_hint("Raise queue.buffering.max.kbytes, or leave it unset so that --max-queue-bytes sizes the queue.");
		return PRODUCER_FAILED;
	}
	if (err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE)
		return record_too_large(p, ev->topic, bytes, false, err) ?
			PRODUCER_SKIPPED : PRODUCER_FAILED;
	pg_log_error("could not produce message to topic \"%s\": %s", ev->topic,
				 rd_kafka_err2str(err));
	return PRODUCER_FAILED;
}

static void
append_json_raw(StringInfo buf, const char *s, int len)
{
	if (s == NULL)
		appendStringInfoString(buf, "null");
	else
		appendBinaryStringInfo(buf, s, len);
}

/* One JSON line; the write is the delivery. */
static ProducerSendStatus
send_stdout(Producer *p, const RouteEvent *ev, uint64 seq)
{
	StringInfo	b = &p->line;

	resetStringInfo(b);
	appendStringInfoString(b, "{\"topic\":");
	json_append_string(b, ev->topic, ev->topic_len);
	appendStringInfoString(b, ",\"key\":");
	append_json_raw(b, ev->key, ev->key_len);
	appendStringInfoString(b, ",\"value\":");
	append_json_raw(b, ev->value, ev->value_len);
	if (ev->newkey || ev->oldkey)
	{
		appendStringInfoString(b, ",\"headers\":{");
		if (ev->newkey)
		{
			appendStringInfoString(b, "\"__debezium.newkey\":");
			json_append_string(b, ev->newkey, ev->newkey_len);
		}
		if (ev->oldkey)
		{
			appendStringInfoString(b, ev->newkey ? ",\"__debezium.oldkey\":" :
								   "\"__debezium.oldkey\":");
			json_append_string(b, ev->oldkey, ev->oldkey_len);
		}
		appendStringInfoChar(b, '}');
	}
	appendStringInfoString(b, "}\n");
	if (fwrite(b->data, 1, b->len, p->out) != (size_t) b->len)
	{
		pg_log_error("could not write to standard output: %m");
		return PRODUCER_FAILED;
	}
	p->on_delivery(p->on_delivery_arg, seq, PRODUCER_DELIVERED, ev->topic,
				   producer_event_bytes(ev));
	return PRODUCER_SENT;
}

/*
 * Hand one event to Kafka (or stdout) as a message of transaction seq.
 * PRODUCER_QUEUE_FULL: nothing was sent; poll and try the same event again.
 */
ProducerSendStatus
producer_send(Producer *p, const RouteEvent *ev, const char *prefix,
			  uint64 seq)
{
	if (p->rk == NULL)
		return send_stdout(p, ev, seq);
	return send_kafka(p, ev, prefix, seq);
}

/* At a transaction's end: make stdout lines complete.  Kafka: nothing. */
bool
producer_commit(Producer *p)
{
	if (p->rk == NULL && fflush(p->out) != 0)
	{
		pg_log_error("could not write to standard output: %m");
		return false;
	}
	return true;
}

/* Serve delivery reports and errors, waiting up to timeout_ms for one. */
void
producer_poll(Producer *p, int timeout_ms)
{
	char		drain[64];

	if (p->rk == NULL)
		return;
	while (read(p->wake_fd[0], drain, sizeof(drain)) > 0)
		;
	rd_kafka_poll(p->rk, timeout_ms);
}

/* The descriptor that becomes readable when producer_poll has work. */
int
producer_wake_fd(const Producer *p)
{
	return p->rk ? p->wake_fd[0] : -1;
}

/* Wait up to timeout_ms for every queued message; return how many remain. */
int
producer_flush(Producer *p, int timeout_ms)
{
	if (p->rk == NULL)
	{
		fflush(p->out);
		return 0;
	}
	rd_kafka_flush(p->rk, timeout_ms);
	return rd_kafka_outq_len(p->rk);
}

int
producer_queue_len(const Producer *p)
{
	return p->rk ? rd_kafka_outq_len(p->rk) : 0;
}

/* Release everything; safe on a half-initialised producer. */
void
producer_destroy(Producer *p)
{
	int			i;

	for (i = 0; i < p->ntopics; i++)
	{
		rd_kafka_topic_destroy(p->topics[i].rkt);
		pg_free(p->topics[i].name);
	}
	pg_free(p->topics);
	p->topics = NULL;
	p->ntopics = 0;
	if (p->rk)
		rd_kafka_destroy(p->rk);
	p->rk = NULL;
	for (i = 0; i < 2; i++)
		if (p->wake_fd[i] >= 0)
			close(p->wake_fd[i]);
	p->wake_fd[0] = p->wake_fd[1] = -1;
	if (p->line.data)
		pg_free(p->line.data);
	p->line.data = NULL;
}

/*
 * Fill buf with len random bytes from /dev/urandom.  (pg_strong_random
 * would do, but Debian's libpgport implements it with OpenSSL, which the
 * relay does not otherwise link.)
 */
static bool
read_random(unsigned char *buf, size_t len)
{
	int			fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	bool		ok;

	if (fd < 0)
		return false;
	ok = read(fd, buf, len) == (ssize_t) len;
	close(fd);
	return ok;
}

/*
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random
 * bits, in its 36-character text form.  out must hold 37 bytes.
 */
void
producer_make_uuid7(char *out)
{
	unsigned char b[16];
	struct timeval tv;
	uint64		ms;
	int			i;
	int			n = 0;

	if (!read_random(b, sizeof(b)))
	{
		/* not worth failing over: the runId only labels this run */
		srandom((unsigned int) (getpid() ^ time(NULL)));
		for (i = 0; i < 16; i++)
			b[i] = (unsigned char) random();
	}
	gettimeofday(&tv, NULL);
	ms = (uint64) tv.tv_sec * 1000 + tv.tv_usec / 1000;
	for (i = 0; i < 6; i++)
		b[i] = (unsigned char) (ms >> (40 - 8 * i));
	b[6] = 0x70 | (b[6] & 0x0F);	/* version 7 */
	b[8] = 0x80 | (b[8] & 0x3F);	/* RFC 9562 variant */
	for (i = 0; i < 16; i++)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[n++] = '-';
		n += sprintf(out + n, "%02x", b[i]);
	}
	out[n] = '\0';
}
