package dev.margincall.chain;

import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.math.BigInteger;
import java.security.SignatureException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.SignedRawTransaction;
import org.web3j.crypto.TransactionDecoder;
import org.web3j.crypto.transaction.type.Transaction1559;

/**
 * An in-memory chain behind {@link EthRpc}, scripted by the test: blocks appear when the test makes them,
 * transactions sent are decoded into a mempool, and they are mined only when the test says so, in the
 * block it names (one the caller has not seen yet included). The node answers as real ones do where the
 * submitter depends on it ("nonce too low" below the mined count, "already known" for a pooled
 * transaction, "replacement transaction underpriced" below +10 % on both fee caps), and any method can be
 * told to fail next with any error. Simulations, calls and estimates answer per calldata: success with
 * some gas (the default), or a revert. What the submitter and the keeper loop never use throws
 * {@link UnsupportedOperationException}, so a test notices when that changes.
 */
public final class FakeEthRpc implements EthRpc {

    public static final long CHAIN_ID = 31_337;
    public static final long BLOCK_INTERVAL = 12;
    public static final long GENESIS_TIMESTAMP = 1_700_000_000L;
    public static final BigInteger DEFAULT_GAS = BigInteger.valueOf(200_000);
    public static final BigInteger GWEI = BigInteger.TEN.pow(9);

    /** A transaction the node received, decoded from its signed bytes. */
    public record Tx(String hash, String raw, Address from, long nonce, Address to, String data, BigInteger value, BigInteger gasLimit,
                     BigInteger maxFeePerGas, BigInteger maxPriorityFeePerGas) {

        /** A 0-value transfer to oneself: how a stuck nonce is cancelled. */
        public boolean isCancellation() {
            return from.equals(to) && value.signum() == 0 && Hex.strip(data).isEmpty();
        }
    }

    /** What a simulation, call or estimate of some calldata gives: the gas it uses, or the data it reverts with. */
    private record Outcome(BigInteger gasUsed, String revertData, List<LogEntry> logs) {
        Outcome(BigInteger gasUsed, String revertData) {
            this(gasUsed, revertData, List.of());
        }

        boolean reverts() {
            return revertData != null;
        }
    }

    /** One eth_simulateV1 request as asked. */
    public record Simulation(List<CallRequest> transactions, long timestamp, BlockTag parent) {
    }

    private final List<BlockHeader> chain = new ArrayList<>();
    private int fork;
    private final Map<Address, NavigableMap<Long, Long>> minedCounts = new HashMap<>();
    private final Map<String, Tx> pool = new LinkedHashMap<>();
    private final Map<Address, BigInteger> balances = new HashMap<>();
    private final Map<String, Tx> seen = new HashMap<>();
    private final List<Tx> received = new ArrayList<>();
    private final Map<String, TransactionReceipt> receipts = new HashMap<>();
    private final Map<String, Outcome> outcomes = new HashMap<>();
    private final Map<Address, Function<CallRequest, String>> contracts = new HashMap<>();
    private final Map<String, Deque<RuntimeException>> nextErrors = new HashMap<>();
    private final Map<String, RuntimeException> standingErrors = new HashMap<>();
    private final List<String> calls = new ArrayList<>();
    private final Map<Long, RuntimeException> sendFailures = new HashMap<>();
    private final List<Integer> sendBatches = new ArrayList<>();
    private final List<Simulation> simulations = new ArrayList<>();
    private BigInteger baseFee = GWEI;
    private BigInteger tip = GWEI;

    private RuntimeException takenThenAnswered;

    public FakeEthRpc() {
        chain.add(header(0, "0x" + "00".repeat(32)));
    }

    // ---- scripting: the chain

    /** Blocks up to {@code number} exist (each {@link #BLOCK_INTERVAL} seconds after its parent); returns that block. */
    public synchronized BlockHeader advanceTo(long number) {
        while (head().number() < number) {
            chain.add(header(head().number() + 1, head().hash()));
        }
        return chain.get((int) number);
    }

    /** One more block. */
    public synchronized BlockHeader newBlock() {
        return advanceTo(head().number() + 1);
    }

    public synchronized BlockHeader head() {
        return chain.get(chain.size() - 1);
    }

    public synchronized BlockHeader header(long number) {
        return chain.get((int) number);
    }

    /**
     * A reorg: the blocks after {@code commonAncestor} leave the chain, with the receipts and nonces mined in
     * them; their transactions go back to the pool when {@code backToPool} (a node that keeps them), else are
     * forgotten. The chain is then as long as before, on new block hashes.
     */
    public synchronized List<Tx> reorgAfter(long commonAncestor, boolean backToPool) {
        long height = head().number();
        fork++;
        chain.subList((int) commonAncestor + 1, chain.size()).clear();
        List<Tx> removed = new ArrayList<>();
        receipts.values().removeIf(r -> {
            if (r.blockNumber() > commonAncestor) {
                removed.add(seen.get(r.transactionHash()));
                return true;
            }
            return false;
        });
        minedCounts.values().forEach(counts -> counts.tailMap(commonAncestor, false).clear());
        if (backToPool) {
            removed.forEach(tx -> pool.put(tx.hash(), tx));
        }
        advanceTo(height);
        return removed;
    }

    /**
     * The chain re-created (a restarted devnet, same chain id): every block after genesis replaced by {@code height} new
     * ones on new hashes, nothing mined, nothing pooled.
     */
    public synchronized void restartAt(long height) {
        fork++;
        chain.subList(1, chain.size()).clear();
        receipts.clear();
        minedCounts.clear();
        pool.clear();
        advanceTo(height);
    }

    /** From the head on, {@code account} has {@code count} transactions mined (e.g. sent by another process with the same key). */
    public synchronized void setMinedCount(Address account, long count) {
        minedCounts.computeIfAbsent(account, a -> new TreeMap<>()).put(head().number(), count);
        pool.values().removeIf(tx -> tx.from().equals(account) && tx.nonce() < count);
    }

    /** Mines {@code hash} (sent to this node, pooled or not) in {@code block}, which may be ahead of the head the caller knows. */
    public synchronized TransactionReceipt mine(String hash, long block, boolean success) {
        return mine(hash, block, success, List.of());
    }

    /** As {@link #mine(String, long, boolean)}, the receipt carrying {@code logs} (a batch's item events). */
    public synchronized TransactionReceipt mine(String hash, long block, boolean success, List<LogEntry> logs) {
        Tx tx = seen.get(hash);
        if (tx == null) {
            throw new IllegalArgumentException("this node never received " + hash);
        }
        advanceTo(block);
        BigInteger gasUsed = tx.isCancellation() ? tx.gasLimit() : outcome(tx.data()).gasUsed();
        TransactionReceipt receipt = new TransactionReceipt(hash, block, header(block).hash(), success, gasUsed, baseFee.add(tip), null, logs);
        receipts.put(hash, receipt);
        pool.values().removeIf(p -> p.from().equals(tx.from()) && p.nonce() == tx.nonce());
        NavigableMap<Long, Long> counts = minedCounts.computeIfAbsent(tx.from(), a -> new TreeMap<>());
        counts.put(block, Math.max(minedCount(tx.from(), block), tx.nonce() + 1));
        counts.tailMap(block, false).replaceAll((b, c) -> Math.max(c, tx.nonce() + 1));
        return receipt;
    }

    /** Mines every pooled transaction in {@code block}, in nonce order, all succeeding. */
    public synchronized List<TransactionReceipt> mineAll(long block) {
        List<Tx> pooled = pool.values().stream().sorted(Comparator.comparingLong(Tx::nonce)).toList();
        return pooled.stream().map(tx -> mine(tx.hash(), block, true)).toList();
    }

    /** The node's mempool loses everything (a restart of the node, or eviction). */
    public synchronized void clearPool() {
        pool.clear();
    }

    // ---- scripting: answers

    /** The fee market: {@code eth_feeHistory} reports this base fee for every block (and the next) and this tip. */
    public synchronized void fees(BigInteger baseFeeWei, BigInteger tipWei) {
        baseFee = baseFeeWei;
        tip = tipWei;
    }

    /** Simulations, calls and estimates of {@code data} succeed, using {@code gas}. */
    public synchronized void succeeds(String data, BigInteger gas) {
        outcomes.put(data, new Outcome(gas, null));
    }

    /** Like {@link #succeeds}, and a simulation of {@code data} reports {@code logs} (e.g. a batch's item events). */
    public synchronized void succeedsWithLogs(String data, BigInteger gas, List<LogEntry> logs) {
        outcomes.put(data, new Outcome(gas, null, logs));
    }

    /** Simulations, calls and estimates of {@code data} revert with {@code revertData}. */
    public synchronized void reverts(String data, String revertData) {
        outcomes.put(data, new Outcome(null, revertData));
    }

    /** {@code eth_call} to {@code address} answers with what {@code contract} returns (e.g. Multicall3's aggregate3). */
    public synchronized void contract(Address address, Function<CallRequest, String> contract) {
        contracts.put(address, contract);
    }

    /** The next call of {@code method} (its JSON-RPC name) fails with {@code error}; several queue up. */
    public synchronized void failNext(String method, RuntimeException error) {
        nextErrors.computeIfAbsent(method, m -> new ArrayDeque<>()).add(error);
    }

    /** The {@code nth} eth_sendRawTransaction from now (0: the next), alone or in a batch, fails with {@code error}. */
    public synchronized void failSend(int nth, RuntimeException error) {
        sendFailures.put(count("eth_sendRawTransaction") + nth, error);
    }

    /** The sizes of the batches of eth_sendRawTransaction received, in order (a send alone is not one). */
    public synchronized List<Integer> sendBatches() {
        return List.copyOf(sendBatches);
    }

    /**
     * The next eth_sendRawTransaction is taken and mined in the next block, and then answered with {@code answer}: what a
     * keeper sees when a garbled answer makes it send again and the retry meets its own mined transaction ("nonce too low").
     */
    public synchronized void takeAndMineNextSendThenAnswer(RuntimeException answer) {
        takenThenAnswered = answer;
    }

    /** Every call of {@code method} fails with {@code error} (e.g. a node without eth_simulateV1). */
    public synchronized void failAlways(String method, RuntimeException error) {
        standingErrors.put(method, error);
    }

    /** An error answer from the node. */
    public static RpcException error(String method, int code, String message) {
        return new RpcException(method, code, message, null, null);
    }

    /** No answer: the connection broke (the request may or may not have reached the node). */
    public static RpcException transport(String method) {
        return new RpcException(method, RpcException.TRANSPORT, "connection reset", null, new java.io.IOException("connection reset"));
    }

    public static RpcException methodNotFound(String method) {
        return error(method, -32601, "the method " + method + " does not exist/is not available");
    }

    // ---- observing

    /** Every JSON-RPC method called, in order (failed calls included). */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    public synchronized long count(String method) {
        return calls.stream().filter(method::equals).count();
    }

    /** Every transaction that reached the node, in order, refused ones included (scripted failures are not). */
    public synchronized List<Tx> received() {
        return List.copyOf(received);
    }

    /** What waits in the mempool, by hash. */
    public synchronized List<Tx> pooled() {
        return List.copyOf(pool.values());
    }

    public synchronized List<Simulation> simulations() {
        return List.copyOf(simulations);
    }

    /** Decodes a signed transaction as the node does. */
    public static Tx decode(String raw) {
        RawTransaction decoded = TransactionDecoder.decode(raw);
        if (!(decoded instanceof SignedRawTransaction signed) || !(decoded.getTransaction() instanceof Transaction1559 tx)) {
            throw new IllegalArgumentException("not a signed EIP-1559 transaction: " + raw);
        }
        try {
            return new Tx(Hash.sha3(raw), raw, Address.of(signed.getFrom()), decoded.getNonce().longValueExact(), Address.of(decoded.getTo()),
                    decoded.getData() == null || decoded.getData().isEmpty() ? "0x" : Hex.of(Hex.bytes(decoded.getData())), decoded.getValue(),
                    decoded.getGasLimit(), tx.getMaxFeePerGas(), tx.getMaxPriorityFeePerGas());
        } catch (SignatureException e) {
            throw new IllegalArgumentException("bad signature: " + raw, e);
        }
    }

    // ---- EthRpc

    @Override
    public synchronized long chainId() {
        enter("eth_chainId");
        return CHAIN_ID;
    }

    @Override
    public synchronized long blockNumber() {
        enter("eth_blockNumber");
        return head().number();
    }

    @Override
    public synchronized BlockHeader block(BlockTag tag) {
        enter("eth_getBlockByNumber");
        return tag.equals(BlockTag.LATEST) || tag.equals(BlockTag.PENDING) ? head() : header(Hex.toLong(tag.value()));
    }

    @Override
    public synchronized List<BlockHeader> blocks(List<Long> numbers) {
        enter("eth_getBlockByNumber");
        return numbers.stream().map(this::header).toList();
    }

    @Override
    public synchronized String call(CallRequest request, BlockTag tag) {
        enter("eth_call");
        Function<CallRequest, String> contract = contracts.get(request.to());
        if (contract != null) {
            return contract.apply(request);
        }
        Outcome outcome = outcome(request.data());
        if (outcome.reverts()) {
            throw new CallRevertedException("eth_call", 3, "execution reverted", outcome.revertData());
        }
        return "0x";
    }

    @Override
    public synchronized BigInteger estimateGas(CallRequest request) {
        enter("eth_estimateGas");
        Outcome outcome = outcome(request.data());
        if (outcome.reverts()) {
            throw new CallRevertedException("eth_estimateGas", 3, "execution reverted", outcome.revertData());
        }
        return outcome.gasUsed();
    }

    @Override
    public synchronized List<SimulatedCall> simulate(List<CallRequest> transactions, BlockTag parent, long timestamp) {
        enter("eth_simulateV1");
        simulations.add(new Simulation(List.copyOf(transactions), timestamp, parent));
        return transactions.stream().map(t -> {
            Outcome outcome = outcome(t.data());
            return outcome.reverts() ? new SimulatedCall(false, BigInteger.ZERO, "0x", outcome.revertData(), "execution reverted")
                    : new SimulatedCall(true, outcome.gasUsed(), "0x", null, null, outcome.logs());
        }).toList();
    }

    @Override
    public synchronized FeeHistory feeHistory(int blockCount, BlockTag newestBlock, List<Double> rewardPercentiles) {
        enter("eth_feeHistory");
        List<BigInteger> baseFees = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<List<BigInteger>> rewards = new ArrayList<>();
        for (int i = 0; i < blockCount; i++) {
            baseFees.add(baseFee);
            ratios.add(0.5);
            rewards.add(rewardPercentiles.stream().map(p -> tip).toList());
        }
        baseFees.add(baseFee); // the next block's
        return new FeeHistory(Math.max(0, head().number() - blockCount + 1), baseFees, ratios, rewards);
    }

    @Override
    public synchronized Optional<TransactionReceipt> receipt(String transactionHash) {
        enter("eth_getTransactionReceipt");
        return Optional.ofNullable(receipts.get(transactionHash));
    }

    @Override
    public synchronized List<Optional<TransactionReceipt>> receipts(List<String> transactionHashes) {
        enter("eth_getTransactionReceipt");
        return transactionHashes.stream().map(h -> Optional.ofNullable(receipts.get(h))).toList();
    }

    /** Latest and numbered blocks: the nonces mined by then; pending: also those waiting in the pool without a gap. */
    @Override
    public synchronized long transactionCount(Address address, BlockTag tag) {
        enter("eth_getTransactionCount");
        if (tag.equals(BlockTag.PENDING)) {
            long next = minedCount(address, head().number());
            while (pooledAt(address, next).isPresent()) {
                next++;
            }
            return next;
        }
        return minedCount(address, tag.equals(BlockTag.LATEST) ? head().number() : Hex.toLong(tag.value()));
    }

    @Override
    public synchronized List<dev.margincall.chain.SendAnswer> sendRawTransactions(List<String> signedTransactions) {
        sendBatches.add(signedTransactions.size());
        return EthRpc.super.sendRawTransactions(signedTransactions); // the node takes a batch's transactions one by one, in order
    }

    @Override
    public synchronized String sendRawTransaction(String signedTransaction) {
        RuntimeException scripted = sendFailures.remove(count("eth_sendRawTransaction"));
        enter("eth_sendRawTransaction");
        if (scripted != null) {
            throw scripted;
        }
        Tx tx = decode(signedTransaction);
        received.add(tx);
        seen.putIfAbsent(tx.hash(), tx);
        if (pool.containsKey(tx.hash()) || receipts.containsKey(tx.hash())) {
            throw error("eth_sendRawTransaction", -32000, "already known");
        }
        if (tx.nonce() < minedCount(tx.from(), head().number())) {
            throw error("eth_sendRawTransaction", -32000, "nonce too low: next nonce " + minedCount(tx.from(), head().number()) + ", tx nonce " + tx.nonce());
        }
        Optional<Tx> waiting = pooledAt(tx.from(), tx.nonce());
        if (waiting.isPresent()) {
            if (!tenPercentMore(tx.maxFeePerGas(), waiting.get().maxFeePerGas()) || !tenPercentMore(tx.maxPriorityFeePerGas(), waiting.get().maxPriorityFeePerGas())) {
                throw error("eth_sendRawTransaction", -32000, "replacement transaction underpriced");
            }
            pool.remove(waiting.get().hash());
        }
        pool.put(tx.hash(), tx);
        if (takenThenAnswered != null) {
            RuntimeException answer = takenThenAnswered;
            takenThenAnswered = null;
            mine(tx.hash(), head().number() + 1, true);
            throw answer;
        }
        return tx.hash();
    }

    @Override
    public List<String> calls(List<CallRequest> requests, BlockTag tag) {
        throw new UnsupportedOperationException("eth_call batch");
    }

    @Override
    public String call(CallRequest request, BlockTag tag, StateOverride override) {
        throw new UnsupportedOperationException("eth_call with state override");
    }

    @Override
    public BigInteger estimateGas(CallRequest request, StateOverride override) {
        throw new UnsupportedOperationException("eth_estimateGas with state override");
    }

    @Override
    public List<LogEntry> logs(LogFilter filter) {
        throw new UnsupportedOperationException("eth_getLogs");
    }

    @Override
    public List<LogEntry> logsOfBlock(String blockHash, List<Address> addresses, List<String> topic0s) {
        throw new UnsupportedOperationException("eth_getLogs by block hash");
    }

    @Override
    public String code(Address address, BlockTag tag) {
        throw new UnsupportedOperationException("eth_getCode");
    }

    /** Every account holds 10 native tokens unless a test sets another balance. */
    @Override
    public synchronized BigInteger balance(Address address, BlockTag tag) {
        enter("eth_getBalance");
        return balances.getOrDefault(address, BigInteger.TEN.pow(19));
    }

    public synchronized FakeEthRpc setBalance(Address address, BigInteger wei) {
        balances.put(address, wei);
        return this;
    }

    @Override
    public String endpointName() {
        return "fake://chain";
    }

    @Override
    public void close() {
    }

    // ---- internals

    /** Records the call, then throws what the test scripted for it, if anything. */
    private void enter(String method) {
        calls.add(method);
        Deque<RuntimeException> queued = nextErrors.get(method);
        if (queued != null && !queued.isEmpty()) {
            throw queued.poll();
        }
        RuntimeException standing = standingErrors.get(method);
        if (standing != null) {
            throw standing;
        }
    }

    private Outcome outcome(String data) {
        return outcomes.getOrDefault(data, new Outcome(DEFAULT_GAS, null));
    }

    private long minedCount(Address account, long block) {
        NavigableMap<Long, Long> counts = minedCounts.get(account);
        Map.Entry<Long, Long> entry = counts == null ? null : counts.floorEntry(block);
        return entry == null ? 0 : entry.getValue();
    }

    private Optional<Tx> pooledAt(Address account, long nonce) {
        return pool.values().stream().filter(p -> p.from().equals(account) && p.nonce() == nonce).findFirst();
    }

    /** geth's rule for a replacement: at least 10 % more on each fee cap. */
    private static boolean tenPercentMore(BigInteger offered, BigInteger waiting) {
        return offered.multiply(BigInteger.TEN).compareTo(waiting.multiply(BigInteger.valueOf(11))) >= 0;
    }

    private BlockHeader header(long number, String parentHash) {
        String hash = Hash.sha3String("fake block " + number + " fork " + fork);
        return new BlockHeader(number, hash, parentHash, GENESIS_TIMESTAMP + number * BLOCK_INTERVAL, baseFee, BigInteger.valueOf(30_000_000));
    }
}
