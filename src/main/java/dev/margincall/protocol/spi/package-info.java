/**
 * The small interfaces a lending protocol implements (event decoding, batched loading, risk model, liquidation call encoding), so the keeper is protocol-agnostic.
 */
package dev.margincall.protocol.spi;
