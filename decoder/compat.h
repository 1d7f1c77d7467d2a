/*-------------------------------------------------------------------------
 *
 * compat.h
 *	  Every PostgreSQL version difference walcast cares about
 *
 * No other file tests PG_VERSION_NUM.  walcast is built and tested on
 * PostgreSQL 15; these shims keep the differences known for later majors in
 * one place.
 *
 * IDENTIFICATION
 *	  decoder/compat.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DECODER_COMPAT_H
#define DECODER_COMPAT_H

/*
 * The old and new tuples of a change: a ReorderBufferTupleBuf before
 * PostgreSQL 17, a HeapTuple from 17 on.
 */
#if PG_VERSION_NUM >= 170000
#define WALCAST_CHANGE_TUPLE(t) (t)
#else
#define WALCAST_CHANGE_TUPLE(t) ((t) ? &(t)->tuple : NULL)
#endif

/*
 * Does a publication publish stored generated columns without a column list
 * naming them?  PostgreSQL 18 added publish_generated_columns; before it,
 * never.
 */
#if PG_VERSION_NUM >= 180000
#define WALCAST_PUB_GENERATED_COLUMNS(pub) \
	((pub)->pubgencols_type != PUBLISH_GENCOLS_NONE)
#else
#define WALCAST_PUB_GENERATED_COLUMNS(pub) false
#endif

#endif							/* DECODER_COMPAT_H */
