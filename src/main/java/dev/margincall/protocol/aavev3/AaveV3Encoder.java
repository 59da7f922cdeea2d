package dev.margincall.protocol.aavev3;

import dev.margincall.core.Address;
import dev.margincall.protocol.spi.ContractCall;
import dev.margincall.protocol.spi.LiquidationEncoder;
import dev.margincall.protocol.spi.Quote;
import java.math.BigInteger;
import java.util.List;

/** Aave V3's liquidation calls: {@code Pool.liquidationCall} from the wallet, or our {@link FlashLiquidator} (Aave flash loan). */
final class AaveV3Encoder implements LiquidationEncoder {

    private final Address pool;
    private final int flashPremiumBps;
    private final boolean premiumRoundsUp;

    AaveV3Encoder(Address pool, int flashPremiumBps, boolean premiumRoundsUp) {
        this.pool = pool;
        this.flashPremiumBps = flashPremiumBps;
        this.premiumRoundsUp = premiumRoundsUp;
    }

    @Override
    public Address walletSpender() {
        return pool;
    }

    @Override
    public ContractCall wallet(Quote quote, boolean receiveCollateralAsToken) {
        return new ContractCall(pool, AaveV3Calls.liquidationCall(quote.collateralAsset(), quote.debtAsset(), quote.account(), requested(quote),
                receiveCollateralAsToken));
    }

    @Override
    public ContractCall contractFunded(Address liquidator, Quote quote, List<Address> swapPath, BigInteger minAmountOut, BigInteger minProfit) {
        return new ContractCall(liquidator, FlashLiquidator.liquidate(quote.collateralAsset(), quote.debtAsset(), quote.account(), requested(quote),
                swapPath, minAmountOut, minProfit));
    }

    /**
     * The {@code debtToCover} argument: what the quote repays, or on 3.6 a little more when it clears a line
     * ({@link Quote#debtToRequest()}: the Pool takes only what it computes when the call lands).
     */
    private static BigInteger requested(Quote quote) {
        return quote.debtToRequest();
    }

    @Override
    public int fundingPremiumBps() {
        return flashPremiumBps;
    }

    @Override
    public boolean fundingPremiumRoundsUp() {
        return premiumRoundsUp;
    }
}
