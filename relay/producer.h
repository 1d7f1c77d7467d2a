/*-------------------------------------------------------------------------
 *
 * producer.h
 *	  The Kafka side: librdkafka producer, or JSON lines on stdout
 *
 * IDENTIFICATION
 *	  relay/producer.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELAY_PRODUCER_H
#define RELAY_PRODUCER_H

#include <librdkafka/rdkafka.h>

#include "config.h"
#include "lib/stringinfo.h"
#include "route.h"

/* The outcome of one message. */
typedef enum ProducerOutcome
{
	PRODUCER_DELIVERED,
	PRODUCER_DELIVERY_SKIPPED,	/* too large for Kafka; skipped by the mode */
	PRODUCER_DELIVERY_FAILED	/* logged; nothing after it may be confirmed */
} ProducerOutcome;

/*
 * Called once per message with its sequence number and outcome; topic and
 * bytes (key and value) name a skipped message in the caller's log line.
 */
typedef void (*ProducerDeliveryFn) (void *arg, uint64 seq,
									ProducerOutcome outcome,
									const char *topic, int64 bytes);

typedef enum ProducerSendStatus
{
	PRODUCER_SENT,				/* queued (Kafka) or written (stdout) */
	PRODUCER_QUEUE_FULL,		/* try again after producer_poll */
	PRODUCER_SKIPPED,			/* too large for Kafka; skipped by the mode */
	PRODUCER_FAILED				/* logged; stop */
} ProducerSendStatus;

/* A topic handle kept for the run, so producing does not look it up. */
typedef struct ProducerTopic
{
	char	   *name;
	rd_kafka_topic_t *rkt;
} ProducerTopic;

typedef struct Producer
{
	rd_kafka_t *rk;				/* NULL in stdout mode */
	FILE	   *out;			/* stdout mode: where lines go */
	char		run_id[37];		/* UUIDv7, __debezium.context.runId */
	StringInfoData line;		/* stdout mode: one JSON line */
	ProducerDeliveryFn on_delivery;
	void	   *on_delivery_arg;
	int			wake_fd[2];		/* pipe librdkafka writes when it has news */
	bool		fatal;			/* a fatal librdkafka error happened */
	bool		failure_logged; /* a failed delivery was reported */
	RelayFailureMode failure_mode;	/* for records too large for Kafka */
	int64		max_queue_bytes;	/* --max-queue-bytes */
	int64		queued_bytes;	/* keys and values not yet reported */
	int64		max_message_bytes;	/* the producer's message.max.bytes */
	ProducerTopic *topics;		/* topic handle cache */
	int			ntopics;
	int			topics_cap;
} Producer;

extern bool producer_init(Producer *p, const RelayConfig *cfg,
						  ProducerDeliveryFn fn, void *arg);
extern bool producer_check_brokers(Producer *p, int timeout_ms);
extern ProducerSendStatus producer_send(Producer *p, const RouteEvent *ev,
										const char *prefix, uint64 seq);
extern int64 producer_event_bytes(const RouteEvent *ev);
extern bool producer_commit(Producer *p);
extern void producer_poll(Producer *p, int timeout_ms);
extern int	producer_wake_fd(const Producer *p);
extern int	producer_flush(Producer *p, int timeout_ms);
extern int	producer_queue_len(const Producer *p);
extern void producer_destroy(Producer *p);
extern void producer_make_uuid7(char *out);

#endif							/* RELAY_PRODUCER_H */
