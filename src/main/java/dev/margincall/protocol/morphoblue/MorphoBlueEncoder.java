package dev.margincall.protocol.morphoblue;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;

import dev.margincall.chain.abi.Abi;
import dev.margincall.core.Address;
import dev.margincall.protocol.spi.ContractCall;
import dev.margincall.protocol.spi.LiquidationEncoder;
import dev.margincall.protocol.spi.Quote;
import java.math.BigInteger;
import java.util.List;

/**
 * {@code Morpho.liquidate(marketParams, borrower, seizedAssets, repaidShares, data)} (src/Morpho.sol:347) for a
 * {@link MorphoQuote}: exactly one of the two amounts, as the quote was sized. Wallet funding: Morpho pulls the
 * loan token from the keeper's wallet (approve Morpho). Contract funding goes through Morpho's
 * {@code onMorphoLiquidate} callback into a liquidator contract that does not exist yet.
 */
public final class MorphoBlueEncoder implements LiquidationEncoder {

    static final String LIQUIDATE = "liquidate(" + MarketParams.TUPLE + ",address,uint256,uint256,bytes)";

    private final Address morpho;

    public MorphoBlueEncoder(Address morpho) {
        this.morpho = morpho;
    }

    @Override
    public Address walletSpender() {
        return morpho;
    }

    /** {@code receiveCollateralAsToken} has no meaning on Morpho (collateral is never tokenized) and is ignored. */
    @Override
    public ContractCall wallet(Quote quote, boolean receiveCollateralAsToken) {
        MorphoQuote q = (MorphoQuote) quote;
        BigInteger seized = q.bySeizedAssets() ? q.quote().seizedAssets() : BigInteger.ZERO;
        BigInteger shares = q.bySeizedAssets() ? BigInteger.ZERO : q.quote().repaidShares();
        return new ContractCall(morpho, Abi.call(LIQUIDATE, q.params().with(address(q.account()), uint(seized), uint(shares), Abi.bytes("0x"))));
    }

    @Override
    public ContractCall contractFunded(Address liquidator, Quote quote, List<Address> swapPath, BigInteger minAmountOut, BigInteger minProfit) {
        throw new UnsupportedOperationException("Morpho Blue liquidations are wallet-funded for now: the callback liquidator contract "
                + "(onMorphoLiquidate) is not built yet; set execution.funding to wallet");
    }

    /** No flash loan: Morpho sends the collateral before it pulls the repayment. */
    @Override
    public int fundingPremiumBps() {
        return 0;
    }
}
