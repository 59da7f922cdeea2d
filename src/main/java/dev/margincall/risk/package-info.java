/**
 * The risk report: the liquidation cliff (what becomes liquidatable as a collateral price falls), the
 * nearest accounts and a cascade estimate, as pure functions of a {@link dev.margincall.protocol.spi.RiskSnapshot}
 * (a copy of a market's book): no I/O, no clock, protocol-neutral.
 */
package dev.margincall.risk;
