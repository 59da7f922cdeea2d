package dev.margincall.chain.web3j;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.margincall.chain.BlockHeader;
import dev.margincall.chain.BlockTag;
import dev.margincall.chain.CallRequest;
import dev.margincall.chain.CallRevertedException;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.FeeHistory;
import dev.margincall.chain.LogEntry;
import dev.margincall.chain.LogFilter;
import dev.margincall.chain.RpcException;
import dev.margincall.chain.SendAnswer;
import dev.margincall.chain.SimulatedCall;
import dev.margincall.chain.StateOverride;
import dev.margincall.chain.TransactionReceipt;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import okhttp3.OkHttpClient;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.ObjectMapperFactory;
import org.web3j.protocol.Web3jService;
import org.web3j.protocol.core.BatchRequest;
import org.web3j.protocol.core.BatchResponse;
import org.web3j.protocol.core.Request;
import org.web3j.protocol.core.Response;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthBlockNumber;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthChainId;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthFeeHistory;
import org.web3j.protocol.core.methods.response.EthGetBalance;
import org.web3j.protocol.core.methods.response.EthGetCode;
import org.web3j.protocol.core.methods.response.EthGetTransactionCount;
import org.web3j.protocol.core.methods.response.EthGetTransactionReceipt;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.http.HttpService;

/** {@link EthRpc} over HTTP JSON-RPC, on web3j's codec and OkHttp. */
public class Web3jEthRpc implements EthRpc {

    /** Requests per batched HTTP call: large enough to amortize the round trip, small enough for any node. */
    protected static final int BATCH_SIZE = 500;

    protected final Web3jService service;
    private final String endpointName;
    private final OkHttpClient httpClient;

    static {
        warmUpSendAnswers();
    }

    public Web3jEthRpc(String url) {
        this(url, Duration.ofSeconds(60));
    }

    public Web3jEthRpc(String url, Duration timeout) {
        this.httpClient = new OkHttpClient.Builder()
                .socketFactory(new NoDelaySocketFactory())
                .connectTimeout(Duration.ofSeconds(10))
                .readTimeout(timeout)
                .callTimeout(timeout)
                .build();
        this.service = new HttpService(url, httpClient);
        this.endpointName = redact(url);
    }

    /**
     * Reads a made-up answer to eth_sendRawTransaction, and a refusal, with the mapper web3j reads every answer with: the
     * first answer of that type would otherwise build its deserializer, and a keeper sends nothing before its first
     * liquidation, so that was between a crash's head and the wire (bench, 10,000 borrowers: the first crash's first send
     * took 4 ms against 0.7 ms). Once a process, when this class is first used; a failure costs only the warm-up. Whether
     * both were read.
     */
    static boolean warmUpSendAnswers() {
        try {
            ObjectMapper mapper = ObjectMapperFactory.getObjectMapper();
            String hash = "0x" + "ab".repeat(32);
            EthSendTransaction sent = mapper.readValue("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"" + hash + "\"}", EthSendTransaction.class);
            EthSendTransaction refused = mapper.readValue("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,\"message\":\"nonce too low\"}}",
                    EthSendTransaction.class);
            return hash.equals(sent.getTransactionHash()) && refused.hasError() && refused.getError().getCode() == -32000;
        } catch (IOException | RuntimeException | LinkageError e) {
            LoggerFactory.getLogger(Web3jEthRpc.class).debug("send answer warm-up: {}", e.toString());
            return false;
        }
    }

    /** scheme://host:port only: paths and query strings of hosted RPC URLs carry API keys. */
    static String redact(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        } catch (IllegalArgumentException e) {
            return "<unparseable rpc url>";
        }
    }

    @Override
    public String endpointName() {
        return endpointName;
    }

    @Override
    public long chainId() {
        return send(request("eth_chainId", List.of(), EthChainId.class)).getChainId().longValueExact();
    }

    @Override
    public long blockNumber() {
        return send(request("eth_blockNumber", List.of(), EthBlockNumber.class)).getBlockNumber().longValueExact();
    }

    @Override
    public BlockHeader block(BlockTag tag) {
        return toHeader(tag.value(), send(request("eth_getBlockByNumber", List.of(tag.value(), false), EthBlock.class)).getBlock());
    }

    @Override
    public List<BlockHeader> blocks(List<Long> numbers) {
        var requests = numbers.stream()
                .map(n -> request("eth_getBlockByNumber", List.of(Hex.quantity(n), false), EthBlock.class))
                .toList();
        List<EthBlock> responses = sendBatch(requests);
        List<BlockHeader> out = new ArrayList<>(numbers.size());
        for (int i = 0; i < numbers.size(); i++) {
            out.add(toHeader(Hex.quantity(numbers.get(i)), responses.get(i).getBlock()));
        }
        return out;
    }

    private static BlockHeader toHeader(String asked, EthBlock.Block block) {
        if (block == null) {
            throw new RpcException("eth_getBlockByNumber", 0, "no block " + asked + " (not mined yet, or the node lags)", null, null);
        }
        return new BlockHeader(block.getNumber().longValueExact(), block.getHash(), block.getParentHash(),
                block.getTimestamp().longValueExact(),
                block.getBaseFeePerGasRaw() == null ? null : block.getBaseFeePerGas(), block.getGasLimit());
    }

    @Override
    public String call(CallRequest callRequest, BlockTag tag) {
        return send(request("eth_call", List.of(json(callRequest), tag.value()), EthCall.class)).getValue();
    }

    @Override
    public String call(CallRequest callRequest, BlockTag tag, StateOverride override) {
        return send(request("eth_call", List.of(json(callRequest), tag.value(), json(override)), EthCall.class)).getValue();
    }

    @Override
    public BigInteger estimateGas(CallRequest callRequest, StateOverride override) {
        return send(request("eth_estimateGas", List.of(json(callRequest), BlockTag.LATEST.value(), json(override)), EthEstimateGas.class))
                .getAmountUsed();
    }

    private static Map<String, Object> json(StateOverride override) {
        Map<String, Object> out = new LinkedHashMap<>();
        override.storage().forEach((account, slots) -> out.put(account.hex(), Map.of("stateDiff", slots)));
        return out;
    }

    @Override
    public List<String> calls(List<CallRequest> requests, BlockTag tag) {
        var batch = requests.stream().map(r -> request("eth_call", List.of(json(r), tag.value()), EthCall.class)).toList();
        return sendBatch(batch).stream().map(EthCall::getValue).toList();
    }

    @Override
    public BigInteger estimateGas(CallRequest callRequest) {
        return send(request("eth_estimateGas", List.of(json(callRequest)), EthEstimateGas.class)).getAmountUsed();
    }

    @Override
    public List<SimulatedCall> simulate(List<CallRequest> transactions, BlockTag parent, long timestamp) {
        Map<String, Object> block = new LinkedHashMap<>();
        Map<String, Object> overrides = new LinkedHashMap<>();
        if (timestamp > 0) {
            overrides.put("time", Hex.quantity(timestamp));
        }
        // each call carries its own gas limit; the block must hold them all, whatever the chain's limit
        BigInteger gas = transactions.stream().map(t -> t.gas() == null ? BigInteger.ZERO : t.gas()).reduce(BigInteger.ZERO, BigInteger::add);
        if (gas.signum() > 0) {
            overrides.put("gasLimit", Hex.quantity(gas));
        }
        if (!overrides.isEmpty()) {
            block.put("blockOverrides", overrides);
        }
        block.put("calls", transactions.stream().map(Web3jEthRpc::json).toList());
        List<Map<String, Object>> blocks = send(request("eth_simulateV1", List.of(Map.of("blockStateCalls", List.of(block)), parent.value()),
                SimulateV1.class)).getResult();
        if (blocks == null || blocks.size() != 1 || !(blocks.get(0).get("calls") instanceof List<?> calls) || calls.size() != transactions.size()) {
            throw new RpcException("eth_simulateV1", 0, "the node answered without one result per transaction (" + endpointName + ")", null, null);
        }
        return calls.stream().map(c -> toSimulated((Map<?, ?>) c)).toList();
    }

    /** The answer of eth_simulateV1: one block per blockStateCalls entry, each with its calls' results. */
    public static final class SimulateV1 extends Response<List<Map<String, Object>>> {
    }

    /**
     * Geth answers a revert with {@code error.data} holding the revert data and {@code returnData} 0x;
     * Anvil puts the revert data in {@code returnData} and no data in the error: both are read.
     */
    private static SimulatedCall toSimulated(Map<?, ?> call) {
        boolean success = "0x1".equals(call.get("status"));
        String returnData = call.get("returnData") instanceof String data ? data : "0x";
        BigInteger gasUsed = call.get("gasUsed") instanceof String used ? Hex.toBigInteger(used) : BigInteger.ZERO;
        if (success) {
            return new SimulatedCall(true, gasUsed, returnData, null, null, simulatedLogs(call.get("logs")));
        }
        Map<?, ?> error = call.get("error") instanceof Map<?, ?> e ? e : Map.of();
        String revertData = error.get("data") instanceof String data && data.length() > 2 ? data : returnData;
        String message = error.get("message") instanceof String text ? text : "failed";
        return new SimulatedCall(false, gasUsed, "0x", revertData, message);
    }

    /** A simulated call's logs: address, topics and data (the simulated block's coordinates mean nothing to a caller). */
    private static List<LogEntry> simulatedLogs(Object logs) {
        if (!(logs instanceof List<?> list)) {
            return List.of();
        }
        List<LogEntry> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof Map<?, ?> log && log.get("address") instanceof String address && log.get("topics") instanceof List<?> topics) {
                out.add(new LogEntry(Address.of(address), topics.stream().map(String::valueOf).toList(),
                        log.get("data") instanceof String data ? data : "0x", -1, null, null, i, false));
            }
        }
        return out;
    }

    @Override
    public List<LogEntry> logs(LogFilter filter) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("fromBlock", Hex.quantity(filter.fromBlock()));
        params.put("toBlock", Hex.quantity(filter.toBlock()));
        putAddressesAndTopics(params, filter.addresses(), filter.topic0s());
        return toEntries(send(request("eth_getLogs", List.of(params), EthLog.class)));
    }

    private static void putAddressesAndTopics(Map<String, Object> params, List<Address> addresses, List<String> topic0s) {
        if (!addresses.isEmpty()) {
            params.put("address", addresses.stream().map(Address::hex).toList());
        }
        if (!topic0s.isEmpty()) {
            params.put("topics", List.of(topic0s));
        }
    }

    private static List<LogEntry> toEntries(EthLog response) {
        List<LogEntry> out = new ArrayList<>(response.getLogs().size());
        for (EthLog.LogResult<?> result : response.getLogs()) {
            out.add(toEntry((Log) result.get()));
        }
        return out;
    }

    @Override
    public List<LogEntry> logsOfBlock(String blockHash, List<Address> addresses, List<String> topic0s) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("blockHash", blockHash);
        putAddressesAndTopics(params, addresses, topic0s);
        return toEntries(send(request("eth_getLogs", List.of(params), EthLog.class)));
    }

    @Override
    public FeeHistory feeHistory(int blockCount, BlockTag newestBlock, List<Double> rewardPercentiles) {
        EthFeeHistory.FeeHistory history = send(request("eth_feeHistory",
                List.of(Hex.quantity(blockCount), newestBlock.value(), rewardPercentiles), EthFeeHistory.class)).getFeeHistory();
        return new FeeHistory(history.getOldestBlock().longValueExact(), List.copyOf(history.getBaseFeePerGas()),
                List.copyOf(history.getGasUsedRatio()),
                history.getReward() == null ? List.of() : history.getReward().stream().map(List::copyOf).toList());
    }

    @Override
    public Optional<TransactionReceipt> receipt(String transactionHash) {
        return send(request("eth_getTransactionReceipt", List.of(transactionHash), EthGetTransactionReceipt.class))
                .getTransactionReceipt().map(Web3jEthRpc::toReceipt);
    }

    @Override
    public List<Optional<TransactionReceipt>> receipts(List<String> transactionHashes) {
        var requests = transactionHashes.stream()
                .map(hash -> request("eth_getTransactionReceipt", List.of(hash), EthGetTransactionReceipt.class))
                .toList();
        return sendBatch(requests).stream()
                .map(r -> r.getTransactionReceipt().map(Web3jEthRpc::toReceipt))
                .toList();
    }

    @Override
    public String code(Address address, BlockTag tag) {
        return send(request("eth_getCode", List.of(address.hex(), tag.value()), EthGetCode.class)).getCode();
    }

    @Override
    public BigInteger balance(Address address, BlockTag tag) {
        return send(request("eth_getBalance", List.of(address.hex(), tag.value()), EthGetBalance.class)).getBalance();
    }

    @Override
    public long transactionCount(Address address, BlockTag tag) {
        return send(request("eth_getTransactionCount", List.of(address.hex(), tag.value()), EthGetTransactionCount.class))
                .getTransactionCount().longValueExact();
    }

    @Override
    public String sendRawTransaction(String signedTransaction) {
        return send(request("eth_sendRawTransaction", List.of(signedTransaction), EthSendTransaction.class)).getTransactionHash();
    }

    @Override
    public List<SendAnswer> sendRawTransactions(List<String> signedTransactions) {
        if (signedTransactions.size() > BATCH_SIZE) {
            throw new IllegalArgumentException(signedTransactions.size() + " transactions in one batch; at most " + BATCH_SIZE);
        }
        List<Request<?, EthSendTransaction>> requests = new ArrayList<>(signedTransactions.size());
        signedTransactions.forEach(raw -> requests.add(request("eth_sendRawTransaction", List.of(raw), EthSendTransaction.class)));
        return answers(requests).stream().map(r -> {
            RpcException error = errorOf(r.request().getMethod(), r.response());
            return error == null ? SendAnswer.sent(r.response().getTransactionHash()) : SendAnswer.refused(error);
        }).toList();
    }

    @Override
    public void close() {
        try {
            service.close();
        } catch (Exception ignored) {
            // closing an HTTP client cannot fail in a way the caller could act on
        }
        httpClient.dispatcher().executorService().shutdown();
        httpClient.connectionPool().evictAll();
    }

    protected <T extends Response<?>> Request<?, T> request(String method, List<?> params, Class<T> type) {
        return new Request<>(method, params, service, type);
    }

    protected <T extends Response<?>> T send(Request<?, T> request) {
        T response;
        try {
            response = request.send();
        } catch (IOException e) {
            throw new RpcException(request.getMethod(), RpcException.TRANSPORT, e.getMessage() + " (" + endpointName + ")", null, e);
        }
        throwIfError(request.getMethod(), response);
        return response;
    }

    /** Sends requests in batched HTTP calls and returns the responses in request order; the first error is thrown. */
    protected <T extends Response<?>> List<T> sendBatch(List<? extends Request<?, T>> requests) {
        List<T> out = new ArrayList<>(requests.size());
        for (Answer<T> answer : answers(requests)) {
            throwIfError(answer.request().getMethod(), answer.response());
            out.add(answer.response());
        }
        return out;
    }

    /** A request of a batch and the node's response to it (which may be an error). */
    private record Answer<T extends Response<?>>(Request<?, T> request, T response) {
    }

    /** Sends requests in batched HTTP calls and returns each with its response, errors included, in request order. */
    @SuppressWarnings("unchecked")
    private <T extends Response<?>> List<Answer<T>> answers(List<? extends Request<?, T>> requests) {
        List<Answer<T>> out = new ArrayList<>(requests.size());
        for (int start = 0; start < requests.size(); start += BATCH_SIZE) {
            List<? extends Request<?, T>> chunk = requests.subList(start, Math.min(requests.size(), start + BATCH_SIZE));
            BatchRequest batch = new BatchRequest(service);
            chunk.forEach(batch::add);
            BatchResponse response;
            try {
                response = batch.send();
            } catch (IOException e) {
                throw new RpcException("batch of " + chunk.get(0).getMethod(), RpcException.TRANSPORT, e.getMessage(), null, e);
            }
            Map<Long, Response<?>> byId = new LinkedHashMap<>();
            response.getResponses().forEach(r -> byId.put(r.getId(), r));
            for (Request<?, T> request : chunk) {
                T typed = (T) byId.get(request.getId());
                if (typed == null) {
                    // a malformed answer, as a broken connection: whatever was asked may have been done (sends), and is asked again
                    throw new RpcException(request.getMethod(), RpcException.TRANSPORT, "batch response has no answer for request " + request.getId()
                            + " (" + endpointName + ")", null, null);
                }
                out.add(new Answer<>(request, typed));
            }
        }
        return out;
    }

    private static void throwIfError(String method, Response<?> response) {
        RpcException error = errorOf(method, response);
        if (error != null) {
            throw error;
        }
    }

    /** The node's error in {@code response} as an exception (a revert as {@link CallRevertedException}), or null. */
    private static RpcException errorOf(String method, Response<?> response) {
        if (!response.hasError()) {
            return null;
        }
        Response.Error error = response.getError();
        String message = error.getMessage() == null ? "" : error.getMessage();
        String data = unquote(error.getData());
        if (error.getCode() == 3 || message.toLowerCase(Locale.ROOT).contains("revert")) {
            return new CallRevertedException(method, error.getCode(), message, data);
        }
        return new RpcException(method, error.getCode(), message, data, null);
    }

    /** web3j hands the error's data field over as raw JSON: a hex string arrives with its quotes. */
    static String unquote(String data) {
        if (data != null && data.length() >= 2 && data.startsWith("\"") && data.endsWith("\"")) {
            return data.substring(1, data.length() - 1);
        }
        return data;
    }

    protected static Map<String, String> json(CallRequest call) {
        Map<String, String> out = new LinkedHashMap<>();
        if (call.from() != null) {
            out.put("from", call.from().hex());
        }
        if (call.to() != null) {
            out.put("to", call.to().hex());
        }
        if (call.gas() != null) {
            out.put("gas", Hex.quantity(call.gas()));
        }
        if (call.value() != null) {
            out.put("value", Hex.quantity(call.value()));
        }
        if (call.maxFeePerGas() != null) {
            out.put("maxFeePerGas", Hex.quantity(call.maxFeePerGas()));
        }
        if (call.maxPriorityFeePerGas() != null) {
            out.put("maxPriorityFeePerGas", Hex.quantity(call.maxPriorityFeePerGas()));
        }
        if (call.nonce() != null) {
            out.put("nonce", Hex.quantity(call.nonce()));
        }
        out.put("data", call.data() == null ? "0x" : call.data());
        return out;
    }

    private static LogEntry toEntry(Log log) {
        return new LogEntry(Address.of(log.getAddress()), List.copyOf(log.getTopics()), log.getData(),
                log.getBlockNumber().longValueExact(), log.getBlockHash(), log.getTransactionHash(),
                log.getLogIndex().longValueExact(), log.isRemoved());
    }

    private static TransactionReceipt toReceipt(org.web3j.protocol.core.methods.response.TransactionReceipt r) {
        return new TransactionReceipt(r.getTransactionHash(), r.getBlockNumber().longValueExact(), r.getBlockHash(),
                r.isStatusOK(), r.getGasUsed(),
                r.getEffectiveGasPrice() == null ? null : Hex.toBigInteger(r.getEffectiveGasPrice()),
                r.getContractAddress() == null ? null : Address.of(r.getContractAddress()),
                r.getLogs().stream().map(Web3jEthRpc::toEntry).toList());
    }
}
