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
 *	- queue.buffering.max.kbytes/.messages from --max-queue-bytes (8 MB):
 *	  librdkafka's defaults buffer about 1 GiB.  When the queue is full,
 *	  producer_send says so and main stops reading from PostgreSQL until
 *	  deliveries free space (backpressure, never dropping).
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

static void
delivery_cb(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
	Producer   *p = (Producer *) opaque;
	bool		ok = msg->err == RD_KAFKA_RESP_ERR_NO_ERROR;

	if (!ok)
		pg_log_error("could not deliver message to topic \"%s\": %s",
					 rd_kafka_topic_name(msg->rkt), rd_kafka_err2str(msg->err));
	p->on_delivery(p->on_delivery_arg, (uint64) (uintptr_t) msg->_private,
				   ok);
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
	snprintf(num, sizeof(num), "%lld",
			 (long long) Max(cfg->max_queue_bytes / 1024, 1));
	ok = ok && conf_set(conf, "queue.buffering.max.kbytes", num);
	/* about 256 bytes per message at least: a count that rarely binds */
	snprintf(num, sizeof(num), "%lld",
			 (long long) Min(Max(cfg->max_queue_bytes / 256, 1000), 10000000));
	ok = ok && conf_set(conf, "queue.buffering.max.messages", num);
	for (i = 0; ok && i < cfg->kafka_props.count; i++)
		ok = conf_set(conf, cfg->kafka_props.items[i].name,
					  cfg->kafka_props.items[i].value);
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

	/* XXX: a linear search; fine for hundreds of tables, hash it if not */
	for (i = p->ntopics - 1; i >= 0; i--)
		if (strcmp(p->topics[i].name, name) == 0)
			return p->topics[i].rkt;
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

static ProducerSendStatus
send_kafka(Producer *p, const RouteEvent *ev, const char *prefix, uint64 seq)
{
	rd_kafka_topic_t *rkt = get_topic(p, ev->topic);
	rd_kafka_headers_t *hdrs;
	rd_kafka_resp_err_t err;

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
		return PRODUCER_SENT;	/* the message owns hdrs now */
	if (hdrs)
		rd_kafka_headers_destroy(hdrs);
	if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL)
		return PRODUCER_QUEUE_FULL;
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
	p->on_delivery(p->on_delivery_arg, seq, true);
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
