/*-------------------------------------------------------------------------
 *
 * typconv_int.h
 *	  Declarations internal to the typconv module
 *
 * The typconv module is typconv.c (type mapping, the per-value dispatch),
 * typdefault.c (column defaults), typnumeric.c (numeric's binary form to
 * precise decimal bytes) and typext.c (extension, geometric and unknown
 * types).  Only those four files include this header; the rest of the decoder uses
 * decoder/typconv.h.
 *
 * IDENTIFICATION
 *	  decoder/typconv_int.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DECODER_TYPCONV_INT_H
#define DECODER_TYPCONV_INT_H

#include "decoder/typconv.h"

/* typnumeric.c */
extern bool walcast_typnumeric_append_precise(StringInfo out,
											  const DbzType *type,
											  Datum value);
extern bool walcast_typnumeric_is_special(struct varlena *num);

/* typext.c */
extern void walcast_typext_append_hstore(StringInfo out, const WalcastConv *cv,
										 Datum value, const DbzModes *modes);
extern void walcast_typext_append_geometry(StringInfo out,
										   const WalcastConv *cv,
										   Datum value);
extern void walcast_typext_append_vector(StringInfo out,
										 const WalcastConv *cv, Datum value);
extern void walcast_typext_append_unknown(StringInfo out,
										  const WalcastConv *cv, Datum value,
										  const DbzModes *modes);

#endif							/* DECODER_TYPCONV_INT_H */
