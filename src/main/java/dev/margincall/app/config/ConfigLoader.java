package dev.margincall.app.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.margincall.chain.Multicall3;
import dev.margincall.core.Address;
import dev.margincall.strategy.Funding;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the YAML configuration: {@code ${ENV_VAR}} placeholders are filled from the environment, and
 * every problem is collected (path, what is wrong, what to do) before failing, so one run shows them all.
 */
public final class ConfigLoader {

    // Decimal amounts (minProfitUsd: 0.1) stay exact: no binary floating point between the file and the money.
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    static final Set<String> TOP_KEYS = Set.of("chain", "protocols", "execution", "metrics");
    static final Set<String> CHAIN_KEYS = Set.of("id", "rpc", "ws", "multicall3", "confirmations", "maxReorgDepth");
    static final Set<String> PROTOCOL_KEYS = Set.of("type", "name", "poolAddressesProvider", "startBlock", "liquidatorContract", "morpho", "markets",
            "aaveOracle", "usdFeeds", "realizeBadDebt", "maxBadDebtLossUsd");
    /** The keys of one protocol type only, and what that type is. */
    private static final Map<String, String> TYPE_OF_KEY = Map.of("poolAddressesProvider", "aave-v3",
            "morpho", "morpho-blue", "markets", "morpho-blue", "aaveOracle", "morpho-blue", "usdFeeds", "morpho-blue", "realizeBadDebt", "morpho-blue",
            "maxBadDebtLossUsd", "morpho-blue");
    private static final Pattern MARKET_ID = Pattern.compile("0x[0-9a-fA-F]{64}");
    /** A market name is a metric label value and a file-name part: short, plain characters. */
    private static final java.util.regex.Pattern MARKET_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,39}");
    static final Set<String> PROTOCOL_TYPES = Set.of("aave-v3", "morpho-blue");
    static final Set<String> EXECUTION_KEYS = Set.of("signer", "funding", "liquidatorContract", "uniswapV2Router", "minProfitUsd", "dustUsd",
            "wrappedNative", "maxGasSharePct", "minPriorityFeeGwei", "replaceAfterBlocks", "maxReplacements", "backoffBlocks", "gas", "receiveAToken", "batch", "simulateBeforeSend");
    static final Set<String> SIGNER_KEYS = Set.of("privateKeyEnv", "keystore", "passwordEnv");
    static final Set<String> GAS_KEYS = Set.of("wallet", "flashLoan");
    static final Set<String> BATCH_KEYS = Set.of("maxItems", "maxGas");
    static final Set<String> METRICS_KEYS = Set.of("host", "port", "maxHeadLagSeconds", "overdueAfterBlocks");
    // A host name or an IP literal: anything else (a URL, "host:port") is a mistake worth naming before we try to bind.
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[?[0-9A-Fa-f:.]+]?");

    private final Function<String, String> environment;
    private final List<String> problems = new ArrayList<>();

    private ConfigLoader(Function<String, String> environment) {
        this.environment = environment;
    }

    public static KeeperConfig load(Path file) {
        return load(file, System::getenv);
    }

    public static KeeperConfig load(Path file, Function<String, String> environment) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of(Files.exists(file)
                    ? "not readable YAML: " + e.getMessage().lines().findFirst().orElse("")
                    : "file not found: give the path of a YAML config (examples in config/)"));
        }
        ConfigLoader loader = new ConfigLoader(environment);
        KeeperConfig config = loader.read(root);
        if (!loader.problems.isEmpty()) {
            throw new ConfigException(file.toString(), loader.problems);
        }
        return config;
    }

    private KeeperConfig read(JsonNode root) {
        if (root == null || !root.isObject()) {
            problems.add("the file must be a YAML mapping with 'chain' and 'protocols'");
            return null;
        }
        unknownKeys(root, "", TOP_KEYS);
        JsonNode chain = required(root, "chain", "");
        KeeperConfig.Chain chainConfig = null;
        if (chain != null) {
            unknownKeys(chain, "chain.", CHAIN_KEYS);
            long id = positiveLong(chain, "id", "chain.", null);
            List<String> rpc = new ArrayList<>();
            JsonNode rpcNode = required(chain, "rpc", "chain.");
            if (rpcNode != null) {
                if (!rpcNode.isArray() || rpcNode.isEmpty()) {
                    problems.add("chain.rpc: needs a list of one or more RPC URLs (http:// or https://), first preferred");
                } else {
                    for (int i = 0; i < rpcNode.size(); i++) {
                        String url = text(rpcNode.get(i), "chain.rpc[" + i + "]");
                        if (url != null && !url.matches("https?://.+")) {
                            problems.add("chain.rpc[" + i + "]: '" + url + "' is not an http(s) URL");
                        } else if (url != null) {
                            rpc.add(url);
                        }
                    }
                }
            }
            Optional<String> ws = Optional.ofNullable(chain.get("ws")).map(n -> text(n, "chain.ws"));
            ws.filter(url -> !url.matches("wss?://.+")).ifPresent(url -> problems.add("chain.ws: '" + url + "' is not a ws(s) URL"));
            Address multicall = chain.has("multicall3") ? address(chain.get("multicall3"), "chain.multicall3") : Multicall3.CANONICAL;
            int confirmations = (int) positiveLong(chain, "confirmations", "chain.", 12L);
            int maxReorgDepth = (int) positiveLong(chain, "maxReorgDepth", "chain.", 64L);
            chainConfig = new KeeperConfig.Chain(id, rpc, ws, multicall, confirmations, maxReorgDepth);
        }
        List<KeeperConfig.Protocol> protocols = new ArrayList<>();
        JsonNode list = required(root, "protocols", "");
        if (list != null && (!list.isArray() || list.isEmpty())) {
            problems.add("protocols: needs a list of one or more markets, e.g. '- type: aave-v3'");
        } else if (list != null) {
            for (int i = 0; i < list.size(); i++) {
                String at = "protocols[" + i + "].";
                JsonNode protocol = list.get(i);
                // a key of the other protocol type is named as such below, not as unknown
                unknownKeys(protocol, at, keysOf(protocol.path("type").asText("")), TYPE_OF_KEY.keySet());
                String type = text(required(protocol, "type", at), at + "type");
                if (type != null && !PROTOCOL_TYPES.contains(type)) {
                    problems.add(at + "type: unknown protocol '" + type + "'; supported: " + PROTOCOL_TYPES.stream().sorted().toList());
                }
                long startBlock = nonNegativeLong(protocol, "startBlock", at);
                Optional<String> name = Optional.ofNullable(protocol.get("name")).map(n -> text(n, at + "name"));
                name.filter(n -> !MARKET_NAME.matcher(n).matches()).ifPresent(n -> problems.add(at + "name: '" + n
                        + "' is not a plain name: 1 to 40 letters, digits, '_', '.' or '-', starting with a letter or digit (e.g. core, prime)"));
                if (type != null && PROTOCOL_TYPES.contains(type)) {
                    TYPE_OF_KEY.keySet().stream().sorted().forEach(key -> {
                        String keyType = TYPE_OF_KEY.get(key);
                        if (protocol.has(key) && !keyType.equals(type)) {
                            problems.add(at + key + ": only for type " + keyType + "; this entry is " + type);
                        }
                    });
                }
                if (KeeperConfig.Protocol.MORPHO_BLUE.equals(type)) {
                    Address morpho = address(required(protocol, "morpho", at), at + "morpho");
                    Optional<Address> aaveOracle = optionalAddress(protocol, "aaveOracle", at);
                    Map<Address, Address> usdFeeds = usdFeeds(protocol, at);
                    if (!protocol.has("aaveOracle") && !protocol.has("usdFeeds")) {
                        problems.add(at + "aaveOracle: missing, and no usdFeeds either: say where the loan tokens' USD prices come from, an "
                                + "AaveOracle on the same chain (aaveOracle: \"0x...\") or a Chainlink-style USD feed per loan token "
                                + "(usdFeeds: { \"0x<token>\": \"0x<feed>\" }), or both (a token's feed first)");
                    }
                    List<String> marketIds = marketIds(protocol, at);
                    Optional<BigDecimal> badDebtLossCap = badDebtLossCap(protocol, at);
                    Optional<Address> liquidator = optionalAddress(protocol, "liquidatorContract", at);
                    if (aaveOracle.isPresent() || !usdFeeds.isEmpty()) {
                        protocols.add(KeeperConfig.Protocol.morphoBlue(new KeeperConfig.MorphoBlue(morpho, marketIds, aaveOracle, usdFeeds,
                                badDebtLossCap), startBlock, name, liquidator));
                    }
                } else {
                    Address provider = address(required(protocol, "poolAddressesProvider", at), at + "poolAddressesProvider");
                    protocols.add(new KeeperConfig.Protocol(type, provider, startBlock, name, optionalAddress(protocol, "liquidatorContract", at)));
                }
            }
            java.util.Map<String, Integer> byName = new java.util.HashMap<>();
            for (int i = 0; i < protocols.size(); i++) {
                KeeperConfig.Protocol protocol = protocols.get(i);
                if (protocol.contract() == null) {
                    continue;
                }
                // names and contracts in their own key spaces: an unnamed entry is named by its contract, which is no clash with itself
                Integer earlier = byName.putIfAbsent("name:" + protocol.marketName(), i);
                Integer sameMarket = byName.putIfAbsent("contract:" + protocol.contract().hex(), i);
                earlier = earlier != null ? earlier : sameMarket;
                if (earlier != null) {
                    problems.add("protocols[" + i + "]: the market '" + protocol.marketName() + "' is already protocols[" + earlier
                            + "]: give each entry its own market and a distinct name");
                }
            }
        }
        Optional<KeeperConfig.Execution> execution = root.has("execution") ? Optional.ofNullable(execution(root.get("execution")))
                : Optional.empty();
        KeeperConfig.Metrics metrics = root.has("metrics") ? metrics(root.get("metrics")) : new KeeperConfig.Metrics(true,
                KeeperConfig.Metrics.DEFAULT_HOST, KeeperConfig.Metrics.DEFAULT_PORT, KeeperConfig.Metrics.DEFAULT_MAX_HEAD_LAG_SECONDS);
        return new KeeperConfig(chainConfig, protocols, execution, metrics);
    }

    /** {@code metrics: { host, port, maxHeadLagSeconds }}: loopback and 9464 unless told otherwise; port 0 turns the endpoint off. */
    private KeeperConfig.Metrics metrics(JsonNode node) {
        String at = "metrics.";
        unknownKeys(node, at, METRICS_KEYS);
        if (!node.isObject()) {
            return KeeperConfig.Metrics.DISABLED;
        }
        String host = KeeperConfig.Metrics.DEFAULT_HOST;
        if (node.has("host")) {
            host = text(node.get("host"), at + "host");
            if (host != null && !HOST.matcher(host).matches()) {
                problems.add(at + "host: '" + host + "' is not a host name or IP address; give the interface to listen on, e.g. 127.0.0.1 "
                        + "(the default: this machine only) or 0.0.0.0 (every interface, e.g. inside a container)");
            }
        }
        int port = KeeperConfig.Metrics.DEFAULT_PORT;
        JsonNode portNode = node.get("port");
        if (portNode != null) {
            if (!portNode.isIntegralNumber() || portNode.asLong() < 0 || portNode.asLong() > 65_535) {
                problems.add(at + "port: must be a TCP port from 1 to 65535, or 0 to turn the metrics endpoint off, got '" + portNode.asText() + "'");
            } else {
                port = portNode.asInt();
            }
        }
        long maxLag = positiveLong(node, "maxHeadLagSeconds", at, KeeperConfig.Metrics.DEFAULT_MAX_HEAD_LAG_SECONDS);
        long overdue = positiveLong(node, "overdueAfterBlocks", at, KeeperConfig.Metrics.DEFAULT_OVERDUE_AFTER_BLOCKS);
        return new KeeperConfig.Metrics(port != 0, host, port, maxLag, overdue);
    }

    private KeeperConfig.Execution execution(JsonNode node) {
        String at = "execution.";
        unknownKeys(node, at, EXECUTION_KEYS);
        if (!node.isObject()) {
            return null;
        }
        KeeperConfig.Signer signer = signer(required(node, "signer", at));
        String fundingName = text(required(node, "funding", at), at + "funding");
        Funding funding = Arrays.stream(Funding.values()).filter(f -> f.configName().equals(fundingName)).findFirst().orElse(null);
        if (fundingName != null && funding == null) {
            problems.add(at + "funding: '" + fundingName + "' is not a funding mode; use 'wallet' (the keeper's own tokens) or 'flash-loan' (our contract)");
        }
        Optional<Address> liquidator = optionalAddress(node, "liquidatorContract", at);
        Optional<Address> router = optionalAddress(node, "uniswapV2Router", at);
        if (funding == Funding.FLASH_LOAN) {
            // liquidatorContract: required by run and dry-run (checked there and by check-config); fork deploys its own when absent
            if (!node.has("uniswapV2Router")) {
                problems.add(at + "uniswapV2Router: required for flash-loan funding (the Router02 that swaps seized collateral into the debt asset)");
            }
        }
        BigDecimal minProfit = decimal(node, "minProfitUsd", at, KeeperConfig.Execution.DEFAULT_MIN_PROFIT_USD, false);
        BigDecimal dust = decimal(node, "dustUsd", at, KeeperConfig.Execution.DEFAULT_DUST_USD, false);
        long maxGasShare = positiveLong(node, "maxGasSharePct", at, (long) KeeperConfig.Execution.DEFAULT_MAX_GAS_SHARE_PCT);
        if (maxGasShare > 100) {
            problems.add(at + "maxGasSharePct: a share of the profit, 1 to 100, got " + maxGasShare);
        }
        BigDecimal tipGwei = decimal(node, "minPriorityFeeGwei", at, KeeperConfig.Execution.DEFAULT_MIN_PRIORITY_FEE_GWEI, false);
        int replaceAfter = (int) positiveLong(node, "replaceAfterBlocks", at, (long) KeeperConfig.Execution.DEFAULT_REPLACE_AFTER_BLOCKS);
        int maxReplacements = (int) positiveLong(node, "maxReplacements", at, (long) KeeperConfig.Execution.DEFAULT_MAX_REPLACEMENTS);
        int backoff = (int) positiveLong(node, "backoffBlocks", at, (long) KeeperConfig.Execution.DEFAULT_BACKOFF_BLOCKS);
        long walletGas = KeeperConfig.Execution.DEFAULT_WALLET_GAS;
        long flashGas = KeeperConfig.Execution.DEFAULT_FLASH_LOAN_GAS;
        JsonNode gas = node.get("gas");
        if (gas != null) {
            unknownKeys(gas, at + "gas.", GAS_KEYS);
            walletGas = positiveLong(gas, "wallet", at + "gas.", walletGas);
            flashGas = positiveLong(gas, "flashLoan", at + "gas.", flashGas);
        }
        boolean receiveAToken = flag(node, "receiveAToken", at, "wallet funding: take the collateral as aTokens instead of the underlying");
        if (receiveAToken && funding == Funding.FLASH_LOAN) {
            problems.add(at + "receiveAToken: only for wallet funding; a flash loan must sell the underlying collateral to repay");
        }
        KeeperConfig.Batching batching = KeeperConfig.Batching.DEFAULT;
        JsonNode batch = node.get("batch");
        if (batch != null) {
            unknownKeys(batch, at + "batch.", BATCH_KEYS);
            long maxItems = positiveLong(batch, "maxItems", at + "batch.", (long) batching.maxItems());
            long maxGas = positiveLong(batch, "maxGas", at + "batch.", batching.maxGas());
            if (maxItems == 0 || maxGas == 0) {
                batching = KeeperConfig.Batching.DEFAULT; // the problem is reported already
            } else if (maxItems > 256 || maxGas < 100_000 || maxGas > 30_000_000) {
                problems.add(at + "batch: maxItems 1 to 256 and maxGas 100000 to 30000000 (a transaction must fit a block), got "
                        + maxItems + " and " + maxGas);
            } else {
                batching = new KeeperConfig.Batching((int) maxItems, maxGas);
            }
        }
        boolean simulateFirst = node.has("simulateBeforeSend")
                ? flag(node, "simulateBeforeSend", at, "true: simulate a block's transactions before sending the first; false: send first, verify after")
                : KeeperConfig.Execution.DEFAULT_SIMULATE_BEFORE_SEND;
        return new KeeperConfig.Execution(signer, funding, liquidator, router, minProfit, dust, optionalAddress(node, "wrappedNative", at),
                (int) maxGasShare, KeeperConfig.Execution.gweiToWei(tipGwei), replaceAfter, maxReplacements, backoff, walletGas, flashGas, receiveAToken,
                batching, simulateFirst);
    }

    private KeeperConfig.Signer signer(JsonNode node) {
        String at = "execution.signer.";
        if (node == null) {
            return null;
        }
        if (node.has("privateKey")) {
            problems.add(at + "privateKey: a private key never goes in the config file; export it in an environment variable and name that "
                    + "variable in execution.signer.privateKeyEnv (or use an encrypted keystore)");
            return null;
        }
        unknownKeys(node, at, SIGNER_KEYS);
        Optional<String> keyEnv = Optional.ofNullable(node.get("privateKeyEnv")).map(n -> text(n, at + "privateKeyEnv"));
        Optional<Path> keystore = Optional.ofNullable(node.get("keystore")).map(n -> text(n, at + "keystore")).map(Path::of);
        Optional<String> passwordEnv = Optional.ofNullable(node.get("passwordEnv")).map(n -> text(n, at + "passwordEnv"));
        if (keyEnv.isPresent() == keystore.isPresent()) {
            problems.add("execution.signer: give exactly one of privateKeyEnv (an environment variable holding the key) or keystore (+ passwordEnv)");
        }
        if (keystore.isPresent() && passwordEnv.isEmpty()) {
            problems.add(at + "passwordEnv: required with keystore: the environment variable that holds the keystore's password");
        }
        keyEnv.filter(name -> !name.matches("[A-Za-z_][A-Za-z0-9_]*")).ifPresent(name -> problems.add(at
                + "privateKeyEnv: must be the NAME of an environment variable (e.g. MC_PRIVATE_KEY), not a key or other value"));
        return new KeeperConfig.Signer(keyEnv, keystore, passwordEnv);
    }

    /** {@code usdFeeds}: a map of loan token address → its Chainlink-style USD feed; absent: none. */
    private Map<Address, Address> usdFeeds(JsonNode protocol, String at) {
        JsonNode feeds = protocol.get("usdFeeds");
        if (feeds == null) {
            return Map.of();
        }
        if (!feeds.isObject() || feeds.isEmpty()) {
            problems.add(at + "usdFeeds: needs a map of one or more loan tokens to their USD feeds, e.g. { \"0x<token>\": \"0x<feed>\" }");
            return Map.of();
        }
        Map<Address, Address> byToken = new java.util.LinkedHashMap<>();
        feeds.properties().forEach(entry -> {
            String path = at + "usdFeeds." + entry.getKey();
            Address token;
            try {
                token = Address.parseChecked(entry.getKey());
            } catch (IllegalArgumentException e) {
                problems.add(path + ": the key must be a loan token's address: " + e.getMessage());
                return;
            }
            Address feed = address(entry.getValue(), path);
            if (feed != null) {
                byToken.put(token, feed);
            }
        });
        return byToken;
    }

    private Optional<Address> optionalAddress(JsonNode node, String key, String prefix) {
        return Optional.ofNullable(node.get(key)).map(n -> address(n, prefix + key));
    }

    private BigDecimal decimal(JsonNode node, String key, String prefix, BigDecimal byDefault, boolean positive) {
        JsonNode value = node.get(key);
        if (value == null) {
            return byDefault;
        }
        if (!value.isNumber() || value.decimalValue().signum() < 0 || (positive && value.decimalValue().signum() == 0)) {
            problems.add(prefix + key + ": must be a number " + (positive ? "above 0" : "of 0 or more") + ", got '" + value.asText() + "'");
            return byDefault;
        }
        return value.decimalValue();
    }

    private void unknownKeys(JsonNode node, String prefix, Set<String> known) {
        unknownKeys(node, prefix, known, Set.of());
    }

    /** The keys a {@code protocols[]} entry of {@code type} may have; all of them for an unknown type. */
    private static Set<String> keysOf(String type) {
        if (!PROTOCOL_TYPES.contains(type)) {
            return PROTOCOL_KEYS;
        }
        Set<String> keys = new java.util.HashSet<>(PROTOCOL_KEYS);
        TYPE_OF_KEY.forEach((key, keyType) -> {
            if (!keyType.equals(type)) {
                keys.remove(key);
            }
        });
        return keys;
    }

    /** {@code ignored}: keys another check reports. */
    private void unknownKeys(JsonNode node, String prefix, Set<String> known, Set<String> ignored) {
        if (!node.isObject()) {
            problems.add((prefix.isEmpty() ? "top level" : prefix.substring(0, prefix.length() - 1)) + ": expected a mapping of keys");
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key) && !ignored.contains(key)) {
                String nearest = known.stream().min(Comparator.comparingInt(k -> distance(k, key))).orElse("");
                problems.add(prefix + key + ": unknown key" + (distance(nearest, key) <= 3 ? " (did you mean '" + nearest + "'?)" : "")
                        + "; known keys here: " + known.stream().sorted().toList());
            }
        }
    }

    /**
     * {@code realizeBadDebt: true} with {@code maxBadDebtLossUsd}: the most a liquidation that realizes bad debt may lose;
     * empty when off (the default). Each key without the other is named: a cap that silently does nothing, or a switch
     * with no limit, is a mistake.
     */
    private Optional<BigDecimal> badDebtLossCap(JsonNode protocol, String at) {
        JsonNode realize = protocol.get("realizeBadDebt");
        if (realize != null && !realize.isBoolean()) {
            problems.add(at + "realizeBadDebt: true or false (liquidate positions whose liquidation realizes bad debt even at a loss up to "
                    + "maxBadDebtLossUsd)");
            return Optional.empty();
        }
        boolean on = realize != null && realize.asBoolean();
        if (!protocol.has("maxBadDebtLossUsd")) {
            if (on) {
                problems.add(at + "maxBadDebtLossUsd: needed with realizeBadDebt: true: the most (USD, gas included) a liquidation that realizes "
                        + "bad debt may lose, e.g. 50");
            }
            return Optional.empty();
        }
        BigDecimal cap = decimal(protocol, "maxBadDebtLossUsd", at, BigDecimal.ZERO, false);
        if (!on) {
            problems.add(at + "maxBadDebtLossUsd: only with realizeBadDebt: true (off by default: such positions are skipped)");
            return Optional.empty();
        }
        return Optional.of(cap);
    }

    /** {@code markets}: a list of Morpho market ids, each 0x + 64 hex digits; absent: none configured (every market). */
    private List<String> marketIds(JsonNode protocol, String at) {
        JsonNode list = protocol.get("markets");
        if (list == null) {
            return List.of();
        }
        if (!list.isArray() || list.isEmpty()) {
            problems.add(at + "markets: needs a list of one or more market ids (0x + 64 hex digits), or leave it out to watch every market");
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        for (int k = 0; k < list.size(); k++) {
            String id = text(list.get(k), at + "markets[" + k + "]");
            if (id != null && !MARKET_ID.matcher(id).matches()) {
                problems.add(at + "markets[" + k + "]: '" + id + "' is not a market id: 0x and 64 hex digits (Morpho's keccak256 of the market params)");
            } else if (id != null) {
                ids.add(id.toLowerCase(java.util.Locale.ROOT));
            }
        }
        return ids;
    }

    private JsonNode required(JsonNode node, String key, String prefix) {
        JsonNode value = node == null ? null : node.get(key);
        if (value == null || value.isNull()) {
            problems.add(prefix + key + ": missing (required)");
            return null;
        }
        return value;
    }

    private String text(JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        if (!node.isValueNode()) {
            problems.add(path + ": expected a text value");
            return null;
        }
        Matcher matcher = PLACEHOLDER.matcher(node.asText());
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = environment.apply(matcher.group(1));
            if (value == null) {
                problems.add(path + ": environment variable " + matcher.group(1) + " is not set; export it before starting");
                return null;
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private Address address(JsonNode node, String path) {
        String value = text(node, path);
        if (value == null) {
            return null;
        }
        try {
            return Address.parseChecked(value);
        } catch (IllegalArgumentException e) {
            problems.add(path + ": " + e.getMessage());
            return null;
        }
    }

    /** An optional true/false key, false when absent; anything else is a problem that says what the key does. */
    private boolean flag(JsonNode node, String key, String prefix, String meaning) {
        JsonNode value = node.get(key);
        if (value != null && !value.isBoolean()) {
            problems.add(prefix + key + ": true or false (" + meaning + ")");
            return false;
        }
        return value != null && value.asBoolean();
    }

    private long positiveLong(JsonNode node, String key, String prefix, Long byDefault) {
        JsonNode value = byDefault == null ? required(node, key, prefix) : node.get(key);
        if (value == null) {
            return byDefault == null ? 0 : byDefault;
        }
        if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() <= 0) {
            problems.add(prefix + key + ": must be a positive whole number, got '" + value.asText() + "'");
            return 0;
        }
        return value.asLong();
    }

    private long nonNegativeLong(JsonNode node, String key, String prefix) {
        JsonNode value = node.get(key);
        if (value == null) {
            return 0;
        }
        if (!value.isIntegralNumber() || value.asLong() < 0) {
            problems.add(prefix + key + ": must be a block number (0 or more), got '" + value.asText() + "'");
            return 0;
        }
        return value.asLong();
    }

    /** Levenshtein distance, for "did you mean". */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = Character.toLowerCase(a.charAt(i - 1)) == Character.toLowerCase(b.charAt(j - 1)) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
