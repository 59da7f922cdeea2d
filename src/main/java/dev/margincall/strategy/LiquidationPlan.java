package dev.margincall.strategy;

import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.model.LiquidationQuote;
import java.math.BigInteger;

/**
 * A liquidation worth sending, with every number it was chosen on.
 *
 * @param quote            what the pool will do: debt repaid, collateral received (token units)
 * @param route            flash-loan funding: the swap of the received collateral into the debt asset
 * @param swapOut          the swap's exact output at planning time (debt-asset units; the collateral itself when same asset)
 * @param flashPremium     the flash loan's premium (debt-asset units; 0 for wallet funding)
 * @param minProfitTokens  flash-loan funding: the profit (debt-asset units) below which our contract reverts
 * @param minAmountOut     flash-loan funding: the swap's minimum output, so a worse pool reverts the swap
 * @param grossProfitBase  profit before gas, base currency
 * @param gasCostBase      gas at the planned price and gas, base currency
 * @param gas              the gas the plan was priced with
 */
public record LiquidationPlan(Funding funding, LiquidationQuote quote, SwapRoute route, BigInteger swapOut, BigInteger flashPremium,
                              BigInteger minProfitTokens, BigInteger minAmountOut, BigInteger grossProfitBase, BigInteger gasCostBase,
                              long gas) {

    public Address account() {
        return quote.account();
    }

    public BigInteger netProfitBase() {
        return grossProfitBase.subtract(gasCostBase);
    }

    /** Flash-loan funding: the debt-asset profit the contract pays the owner, before gas. */
    public BigInteger profitTokens() {
        return swapOut.subtract(quote.debtToCover()).subtract(flashPremium);
    }
}
