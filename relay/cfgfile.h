/*-------------------------------------------------------------------------
 *
 * cfgfile.h
 *	  The configuration file's readers, internal to the config module
 *
 * The config module is config.c (RelayConfig, flags, keys, validation) and
 * cfgfile.c (the connector JSON and Java properties readers).  Only those
 * two files include this header; the rest of the relay reads configuration
 * files through config_load_file() in relay/config.h.
 *
 * IDENTIFICATION
 *	  relay/cfgfile.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RELAY_CFGFILE_H
#define RELAY_CFGFILE_H

#include "config.h"

extern bool cfgfile_parse_json(RelayConfig *cfg, const char *text,
							   size_t len, const char *filename);
extern bool cfgfile_parse_properties(RelayConfig *cfg, const char *text,
									 size_t len, const char *filename);

#endif							/* RELAY_CFGFILE_H */
