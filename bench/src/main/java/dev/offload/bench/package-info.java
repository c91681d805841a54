/**
 * Benchmarks of Offload's paths, each figure printed beside a raw baseline measured in the same
 * run.
 */
package dev.offload.bench;
