/**
 * Randomness from the seed: {@code Seeds} derives deterministic numbers from a seed and a label, the same on every
 * machine and JDK, so the same seed gives the same run. Never for secrets (those come from SecureRandom). Uses nothing.
 */
package io.mdmsim.core.seed;
