// RUN: qc-opt %s --qc-annotate="quantizer=xnnpack,reduce_range=1" -verify-diagnostics

// expected-error@+1 {{quantizer 'xnnpack': unknown option 'reduce_range'; options: per_channel, dynamic, granularity, act_observer, percentile, act_dtype, int8_attention, cle, bias_correction, smoothquant, weight_only, group_size, symmetric, weight_only_clip, weight_only_embeddings, weight_only_method, keep_float}}
func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
  %s = qc.sigmoid %x : tensor<1x8xf32>
  return %s : tensor<1x8xf32>
}
