/*===- qc/quantizer_plugin.h - C ABI of qc quantizer plugins ------*- C -*-===*
 *
 * Part of qc. The binary interface between qc and a Quantizer built as a
 * shared library. Only plain C types cross it, so a plugin needs neither
 * MLIR nor qc's libraries, and may be built with any C or C++ compiler.
 * Most authors write C++ against qc/Quantizer.h, whose
 * QC_QUANTIZER_PLUGIN(...) macro defines the two entry points below;
 * docs/quantizer-plugins.md is the guide.
 *
 * A plugin exports
 *
 *   int32_t qc_quantizer_plugin_abi_version(void);
 *       returns QC_QUANTIZER_PLUGIN_ABI_VERSION as the plugin saw it;
 *       qc refuses a plugin whose version differs from its own.
 *   int32_t qc_quantizer_plugin_register(const qc_plugin_host *host);
 *       calls host->register_quantizer once per quantizer; returns 0 on
 *       success.
 *
 * Every pointer qc passes is valid only during the call it is passed to;
 * every pointer a plugin passes to qc (names, option declarations) must stay
 * valid while the library is loaded (qc never unloads it). Strings are
 * NUL-terminated UTF-8. Calls never throw: a C++ plugin must catch its own
 * exceptions.
 *
 * ABI rule: any change to a type, enumerator or signature in this file
 * increments QC_QUANTIZER_PLUGIN_ABI_VERSION.
 *
 *===----------------------------------------------------------------------===*/
#ifndef QC_QUANTIZER_PLUGIN_H
#define QC_QUANTIZER_PLUGIN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QC_QUANTIZER_PLUGIN_ABI_VERSION 1

/* Integer storage types of quantized tensors. */
typedef enum qc_dtype {
  QC_DTYPE_U8 = 0,
  QC_DTYPE_S8 = 1,
  QC_DTYPE_S16 = 2,
  QC_DTYPE_S32 = 3
} qc_dtype;

/* What one tensor edge (an operand or a result of a node) is annotated with. */
typedef enum qc_spec_kind {
  QC_SPEC_NONE = 0,      /* not annotated (the node has no annotation)      */
  QC_SPEC_FLOAT = 1,     /* stays float inside an annotated node            */
  QC_SPEC_QUANTIZED = 2, /* observed: QuantizationSpec                      */
  QC_SPEC_SHARED = 3,    /* same qparams as input edge shared_input         */
  QC_SPEC_DERIVED = 4,   /* scale = product of derived_inputs' scales, zp 0 */
  QC_SPEC_FIXED = 5      /* fixed scale / zero_point                        */
} qc_spec_kind;

typedef struct qc_spec {
  int32_t kind;       /* qc_spec_kind */
  int32_t dtype;      /* qc_dtype: QUANTIZED, DERIVED, FIXED */
  int64_t quant_min;  /* QUANTIZED, DERIVED, FIXED (reduce_range applied) */
  int64_t quant_max;
  int64_t axis;       /* QUANTIZED, DERIVED: per-channel axis, -1 per tensor */
  int32_t symmetric;  /* QUANTIZED: 1 symmetric, 0 affine */
  int32_t dynamic;    /* QUANTIZED: 1 when qparams are computed at run time
                         per tensor, 2 per token (each row of the last
                         dimension; hosts before 2 read it as 1) */
  const char *observer;         /* QUANTIZED: observer kind, e.g. "minmax" */
  const char *observer_options; /* QUANTIZED: "key=value,key=value" or NULL */
  int64_t shared_input;         /* SHARED: input edge index of the same node */
  const int64_t *derived_inputs; /* DERIVED: input edge indices */
  int64_t num_derived_inputs;
  double scale;       /* FIXED */
  int64_t zero_point; /* FIXED */
} qc_spec;

typedef enum qc_attr_kind {
  QC_ATTR_INT = 0,
  QC_ATTR_FLOAT = 1,
  QC_ATTR_STRING = 2,
  QC_ATTR_INTS = 3,
  QC_ATTR_FLOATS = 4,
  QC_ATTR_BOOL = 5
} qc_attr_kind;

/* One op attribute (groups, strides, axis, mode, min, max, ...). */
typedef struct qc_attr {
  const char *name;
  int32_t kind; /* qc_attr_kind; BOOL uses i */
  int64_t i;
  double f;
  const char *s;
  const int64_t *ints;
  const double *floats;
  int64_t count; /* elements of ints / floats */
} qc_attr;

/* A tensor value: an operand or a result. */
typedef struct qc_value {
  int64_t producer;         /* index of the producing node; -1: an argument */
  int64_t index;            /* result number of the producer / argument number */
  const char *element_type; /* "f32", "i64", ... */
  int64_t rank;             /* -1 when unranked */
  const int64_t *dims;      /* rank entries, -1 for a dynamic dimension */
} qc_value;

/* Where a result is used: operand `operand` of node `node`. */
typedef struct qc_use {
  int64_t node;
  int64_t operand;
} qc_use;

typedef struct qc_node {
  const char *op_type; /* "conv2d", "linear", "constant", "func.return", ... */
  const char *name;    /* the model's node name ("" when unknown) */
  int64_t num_operands;
  const qc_value *operands;
  int64_t num_results;
  const qc_value *results;
  const int64_t *num_uses;    /* per result */
  const qc_use *const *uses;  /* per result: num_uses[r] entries */
  int64_t num_attrs;
  const qc_attr *attrs;
  int32_t keep_float; /* 1: the user asked for this node to stay float */
  /* This quantizer's options as they apply to this node (global values
   * with the per-node overrides resolved), one value per declared option. */
  int64_t num_options;
  const char *const *option_names;
  const char *const *option_values;
  /* The current annotation: NULL / kind NONE when the node has none. */
  const char *annotated_by;
  const qc_spec *input_specs;  /* num_operands entries */
  const qc_spec *output_specs; /* num_results entries */
} qc_node;

/* The function being quantized: its ops in program order. */
typedef struct qc_graph {
  int64_t num_nodes;
  const qc_node *nodes;
  int64_t num_arguments;
  const qc_value *arguments;
} qc_graph;

/* Callbacks qc gives to a quantizer's annotate / validate / create. */
typedef struct qc_host_sink {
  void *context;
  /* Replaces the annotation of `node`: num_inputs == the node's operand
   * count and num_outputs == its result count; entries may be FLOAT but not
   * NONE. Returns 0, or non-zero (and records an error) on a malformed call. */
  int32_t (*set_annotation)(void *context, int64_t node,
                            const qc_spec *input_specs, int64_t num_inputs,
                            const qc_spec *output_specs, int64_t num_outputs);
  /* Removes the annotation of `node`. */
  int32_t (*clear_annotation)(void *context, int64_t node);
  /* Records an error, about `node` or (-1) about no node in particular. */
  void (*report_error)(void *context, int64_t node, const char *message);
} qc_host_sink;

typedef enum qc_option_kind {
  QC_OPTION_BOOL = 0,     /* 0 | 1 | true | false, passed as "0" / "1"     */
  QC_OPTION_INT = 1,      /* a decimal integer                             */
  QC_OPTION_FLOAT = 2,    /* a decimal number                              */
  QC_OPTION_STRING = 3,   /* any text                                      */
  QC_OPTION_ENUM = 4,     /* one of `choices` ("a|b|c")                    */
  QC_OPTION_OBSERVER = 5  /* a per-tensor observer kind, canonical name    */
} qc_option_kind;

typedef struct qc_option_decl {
  const char *name;
  int32_t kind; /* qc_option_kind */
  const char *default_value;
  const char *choices; /* QC_OPTION_ENUM: "a|b|c" */
  const char *help;
} qc_option_decl;

typedef struct qc_quantizer_def {
  const char *name;        /* what --qc-annotate="quantizer=NAME" selects */
  const char *description; /* one line */
  int64_t num_options;
  const qc_option_decl *options;
  void *user_data;
  /* Creates the instance for one run. The options are the global values
   * (defaults applied), one per declaration, in declaration order. Returns
   * NULL after sink->report_error on invalid option combinations. */
  void *(*create)(void *user_data, const char *const *option_values,
                  const qc_host_sink *sink);
  void (*destroy)(void *instance);
  /* Optional (may be NULL): a qc pass pipeline ("qc-fold-batch-norm,...")
   * run on the function before it is viewed for annotation; "" for none.
   * The string stays valid until destroy. */
  const char *(*transform_for_annotation)(void *instance);
  /* Annotates nodes through sink->set_annotation; returns 0 on success. */
  int32_t (*annotate)(void *instance, const qc_graph *graph,
                      const qc_host_sink *sink);
  /* Optional (may be NULL): checks the final annotations of the whole
   * graph (every quantizer's); returns 0 when they are acceptable. */
  int32_t (*validate)(void *instance, const qc_graph *graph,
                      const qc_host_sink *sink);
} qc_quantizer_def;

typedef struct qc_plugin_host {
  int32_t abi_version; /* qc's QC_QUANTIZER_PLUGIN_ABI_VERSION */
  void *context;
  /* Registers a quantizer; returns non-zero (and qc reports why) when the
   * definition is invalid or its name is taken. */
  int32_t (*register_quantizer)(void *context, const qc_quantizer_def *def);
} qc_plugin_host;

/* Entry point names, for dlsym. */
#define QC_QUANTIZER_PLUGIN_ABI_VERSION_SYMBOL "qc_quantizer_plugin_abi_version"
#define QC_QUANTIZER_PLUGIN_REGISTER_SYMBOL "qc_quantizer_plugin_register"

typedef int32_t (*qc_quantizer_plugin_abi_version_fn)(void);
typedef int32_t (*qc_quantizer_plugin_register_fn)(const qc_plugin_host *host);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* QC_QUANTIZER_PLUGIN_H */
