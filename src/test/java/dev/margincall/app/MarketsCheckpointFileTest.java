package dev.margincall.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.app.config.KeeperConfig;
import dev.margincall.core.Address;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Each market's checkpoint file in the state directory: Aave's keeps its old name (a keeper upgraded in place resumes),
 * a Morpho entry is named by its contract, and a Morpho entry limited to some markets also by a digest of their ids, so
 * another selection (whose positions differ) never resumes this one's checkpoint; the order and case of the ids do not matter.
 */
class MarketsCheckpointFileTest {

    private static final Address MORPHO = Address.of("0xbbbbbbbbbb9cc5e90e3b3af64bdaf62c37eeffcb");
    private static final Address ORACLE = Address.of("0x54586be62e3c3580375ae3723c145253060ca0c2");
    private static final String A = "0x8793cf302b8ffd655ab97bd1c695dbd967807e8367a65cb2f4edaf1380ba1bda";
    private static final String B = "0x9103c3b4e834476c9a62ea009ba2c884ee42e94e6e314a26f04d312434191836";

    private static String morpho(List<String> markets) {
        return Markets.checkpointFile(KeeperConfig.Protocol.morphoBlue(new KeeperConfig.MorphoBlue(MORPHO, markets, ORACLE), 0, Optional.empty()));
    }

    @Test
    void aaveKeepsItsNameAndMorphoIsNamedByContractAndMarketSelection() {
        Address provider = Address.of("0x2f39d218133afab8f2b819b1066c7e434ad94e9e");
        assertThat(Markets.checkpointFile(new KeeperConfig.Protocol("aave-v3", provider, 0))).isEqualTo("aave-v3-" + provider.hex() + ".json");
        assertThat(morpho(List.of())).isEqualTo("morpho-blue-" + MORPHO.hex() + ".json");
        String both = morpho(List.of(A, B));
        assertThat(both).matches("morpho-blue-" + MORPHO.hex() + "-[0-9a-f]{8}\\.json");
        assertThat(morpho(List.of(B.toUpperCase().replace("0X", "0x"), A))).as("order and case").isEqualTo(both);
        assertThat(morpho(List.of(A))).isNotEqualTo(both).isNotEqualTo(morpho(List.of(B)));
    }
}
