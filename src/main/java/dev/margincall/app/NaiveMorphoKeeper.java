package dev.margincall.app;

import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.protocol.morphoblue.MarketParams;
import dev.margincall.protocol.morphoblue.model.MarketState;
import dev.margincall.protocol.morphoblue.model.PositionHealth;
import dev.margincall.protocol.morphoblue.model.PositionState;
import dev.margincall.submit.TransactionSigner;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.web3j.abi.datatypes.generated.Bytes32;

/**
 * The bench's Morpho Blue baseline, written the way simple bots are: on every new block it reads every market's
 * stored totals and oracle price, then every known position ({@code position(id, borrower)}, one {@code eth_call} each,
 * sent as JSON-RPC batches), judges health on the stored totals (no interest accrued since the market's last update),
 * and for each position it finds liquidatable sends {@code liquidate} repaying all the borrower's shares with a fixed gas
 * limit: no local state, no simulation, no profit check, no in-flight tracking.
 */
final class NaiveMorphoKeeper extends PollingNaiveBot {

    /** One (market, borrower) the bot knows of. */
    record Position(MarketParams market, Address borrower) {
    }

    /** @param batchSize positions per JSON-RPC batch (one HTTP request each) */
    record Settings(long chainId, Address morpho, long gasLimit, BigInteger tipWei, int batchSize, Duration pollInterval) {
    }

    private final List<MarketParams> markets;
    private final List<Position> positions;
    private final Settings settings;

    NaiveMorphoKeeper(EthRpc rpc, TransactionSigner signer, List<Position> positions, Settings settings, NaiveKeeper.Probe probe) {
        super("naive-morpho-keeper", rpc, signer, settings.chainId(), settings.pollInterval(), probe);
        this.positions = List.copyOf(positions);
        this.markets = positions.stream().map(Position::market).distinct().toList();
        this.settings = settings;
    }

    @Override
    protected void onBlock(long number, long seenNanos) {
        probe().block(number, seenNanos);
        BlockTag tag = BlockTag.number(number);
        BlockHeader header = rpc.block(tag);
        List<CallRequest> marketReads = new ArrayList<>();
        for (MarketParams market : markets) {
            marketReads.add(CallRequest.call(settings.morpho(), Abi.call("market(bytes32)", id(market))));
            marketReads.add(CallRequest.call(market.oracle(), Abi.call("price()")));
        }
        List<String> marketWords = rpc.calls(marketReads, tag);
        List<CallRequest> reads = positions.stream().map(p -> CallRequest.call(settings.morpho(),
                Abi.call("position(bytes32,address)", id(p.market()), Abi.address(p.borrower())))).toList();
        List<String> answers = new ArrayList<>(reads.size());
        for (int from = 0; from < reads.size(); from += settings.batchSize()) {
            answers.addAll(rpc.calls(reads.subList(from, Math.min(reads.size(), from + settings.batchSize())), tag));
        }
        BigInteger maxFee = header.baseFeePerGas().multiply(BigInteger.TWO).add(settings.tipWei());
        for (int i = 0; i < positions.size(); i++) {
            Position p = positions.get(i);
            int m = markets.indexOf(p.market());
            String w = marketWords.get(2 * m);
            MarketState stored = new MarketState(Words.uint(w, 0), Words.uint(w, 1), Words.uint(w, 2), Words.uint(w, 3),
                    Words.uint(w, 4).longValueExact(), Words.uint(w, 5));
            String a = answers.get(i);
            PositionState position = new PositionState(Words.uint(a, 0), Words.uint(a, 1), Words.uint(a, 2));
            if (position.borrowShares().signum() == 0
                    || PositionHealth.of(position, stored, Abi.decodeUint(marketWords.get(2 * m + 1)), p.market().lltv()).healthy()) {
                continue;
            }
            probe().planned(p.borrower(), number, System.nanoTime());
            send(p.borrower(), number, new CallRequest(from(), settings.morpho(), Abi.call("liquidate(" + MarketParams.TUPLE + ",address,uint256,uint256,bytes)",
                    p.market().with(Abi.address(p.borrower()), Abi.uint(BigInteger.ZERO), Abi.uint(position.borrowShares()), Abi.bytes("0x"))),
                    BigInteger.ZERO, BigInteger.valueOf(settings.gasLimit()), nonce(), maxFee, settings.tipWei()));
        }
    }

    private static Bytes32 id(MarketParams market) {
        return new Bytes32(Hex.bytes(market.id()));
    }
}
