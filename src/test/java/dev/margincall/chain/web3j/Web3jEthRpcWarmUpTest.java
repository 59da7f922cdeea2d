package dev.margincall.chain.web3j;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;
import org.web3j.protocol.ObjectMapperFactory;
import org.web3j.protocol.Service;

/**
 * The send answers' warm-up builds the deserializer the keeper's first send would otherwise build: it must read a made-up
 * answer and refusal as web3j hands them over (a hash, an error code), with the very mapper our endpoints' web3j service
 * reads answers with. If web3j changed either, the warm-up would miss silently at start and the first crash would pay
 * again; this says so instead.
 */
class Web3jEthRpcWarmUpTest {

    @Test
    void theSendAnswerWarmUpReadsAnAnswerAndARefusal() {
        assertThat(Web3jEthRpc.warmUpSendAnswers()).isTrue();
    }

    @Test
    void theWarmedMapperIsTheOneOurWeb3jServiceReadsAnswersWith() throws Exception {
        try (Web3jEthRpc rpc = new Web3jEthRpc("http://127.0.0.1:9")) {
            Field mapper = Service.class.getDeclaredField("objectMapper");
            mapper.setAccessible(true);
            assertThat(mapper.get(rpc.service)).isSameAs(ObjectMapperFactory.getObjectMapper());
        }
    }
}
