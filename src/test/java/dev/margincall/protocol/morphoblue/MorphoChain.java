package dev.margincall.protocol.morphoblue;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.DevChain;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.devnet.Deployment;
import dev.margincall.devnet.MorphoParams;
import dev.margincall.protocol.morphoblue.model.MarketState;
import dev.margincall.protocol.morphoblue.model.PositionState;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.generated.Bytes32;

/** The reads and calls the Morpho differential tests make on the devnet's real Morpho (test code: the adapter comes later). */
final class MorphoChain {

    static final String PARAMS = "(address,address,address,address,uint256)";
    static final String LIQUIDATE_EVENT = Abi.topic("Liquidate(bytes32,address,address,uint256,uint256,uint256,uint256,uint256)");

    private final DevChain chain;
    private final Deployment.MorphoBlue morpho;

    MorphoChain(DevChain chain, Deployment.MorphoBlue morpho) {
        this.chain = chain;
        this.morpho = morpho;
    }

    MarketState market(Deployment.MorphoMarket market) {
        return marketState(chain.call(CallRequest.call(morpho.morpho(), Abi.call("market(bytes32)", id(market))), BlockTag.LATEST));
    }

    static MarketState marketState(String words) {
        return new MarketState(Words.uint(words, 0), Words.uint(words, 1), Words.uint(words, 2), Words.uint(words, 3),
                Words.uint(words, 4).longValueExact(), Words.uint(words, 5));
    }

    /** Every account's position in one JSON-RPC batch. */
    List<PositionState> positions(Deployment.MorphoMarket market, List<Address> accounts) {
        List<CallRequest> calls = accounts.stream()
                .map(a -> CallRequest.call(morpho.morpho(), Abi.call("position(bytes32,address)", id(market), address(a)))).toList();
        List<PositionState> out = new ArrayList<>();
        for (String words : chain.calls(calls, BlockTag.LATEST)) {
            out.add(new PositionState(Words.uint(words, 0), Words.uint(words, 1), Words.uint(words, 2)));
        }
        return out;
    }

    PositionState position(Deployment.MorphoMarket market, Address account) {
        return positions(market, List.of(account)).get(0);
    }

    BigInteger price(Deployment.MorphoMarket market) {
        return Abi.decodeUint(chain.call(CallRequest.call(market.oracle(), Abi.call("price()")), BlockTag.LATEST));
    }

    /** {@code IIrm.borrowRateView(marketParams, market)} on the market as stored: the rate the next accrual will use. */
    BigInteger borrowRateView(Deployment.MorphoMarket market, MarketState state) {
        Type<?>[] args = MorphoParams.of(market).with(uint(state.totalSupplyAssets()), uint(state.totalSupplyShares()),
                uint(state.totalBorrowAssets()), uint(state.totalBorrowShares()), uint(state.lastUpdate()), uint(state.fee()));
        return Abi.decodeUint(chain.call(CallRequest.call(market.irm(),
                Abi.call("borrowRateView(" + PARAMS + ",(uint128,uint128,uint128,uint128,uint128,uint128))", args)), BlockTag.LATEST));
    }

    static String accrueInterest(Deployment.MorphoMarket market) {
        return Abi.call("accrueInterest(" + PARAMS + ")", MorphoParams.of(market).fields());
    }

    static String repayShares(Deployment.MorphoMarket market, BigInteger shares, Address onBehalf) {
        return Abi.call("repay(" + PARAMS + ",uint256,uint256,address,bytes)",
                MorphoParams.of(market).with(uint(0), uint(shares), address(onBehalf), Abi.bytes("0x")));
    }

    static String liquidate(Deployment.MorphoMarket market, Address borrower, BigInteger seizedAssets, BigInteger repaidShares) {
        return Abi.call("liquidate(" + PARAMS + ",address,uint256,uint256,bytes)",
                MorphoParams.of(market).with(address(borrower), uint(seizedAssets), uint(repaidShares), Abi.bytes("0x")));
    }

    static Bytes32 id(Deployment.MorphoMarket market) {
        return new Bytes32(Hex.bytes(market.id()));
    }
}
