package dev.margincall.strategy;

import dev.margincall.protocol.spi.PositionId;
import dev.margincall.protocol.spi.Quote;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A liquidation worth sending, with every number it was chosen on. Values are in the market's value unit
 * ({@code valuation}; Aave: the oracle's base currency), amounts in token units.
 *
 * @param quote            what the protocol will do: debt repaid, collateral received (token units)
 * @param route            contract funding: the swap of the received collateral into the debt asset
 * @param swapOut          the swap's exact output at planning time (debt-asset units; the collateral itself when same asset)
 * @param flashPremium     contract funding's premium (debt-asset units; 0 for wallet funding)
 * @param minProfitTokens  contract funding: the profit (debt-asset units) below which our contract reverts
 * @param minAmountOut     contract funding: the swap's minimum output, so a worse pool reverts the swap
 * @param grossProfitBase  profit before gas
 * @param gasCostBase      gas at the planned price and gas
 * @param gas              the gas the plan was priced with
 */
public record LiquidationPlan(PositionId position, Funding funding, Quote quote, SwapRoute route, BigInteger swapOut, BigInteger flashPremium,
                              BigInteger minProfitTokens, BigInteger minAmountOut, BigInteger grossProfitBase, BigInteger gasCostBase,
                              long gas, Valuation valuation) {

    public BigInteger netProfitBase() {
        return grossProfitBase.subtract(gasCostBase);
    }

    /** The net profit in USD: plans of different markets are ranked by it. */
    public BigDecimal netProfitUsd() {
        return valuation.usd(netProfitBase());
    }

    /** Contract funding: the debt-asset profit the contract pays the owner, before gas. */
    public BigInteger profitTokens() {
        return swapOut.subtract(quote.debtToCover()).subtract(flashPremium);
    }
}
