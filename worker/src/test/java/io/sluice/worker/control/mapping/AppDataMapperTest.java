package io.sluice.worker.control.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.api.v1.AppData;
import org.junit.jupiter.api.Test;

class AppDataMapperTest {

    @Test
    void entriesRoundTripInTheirOrder() {
        AppData appData = AppData.newBuilder().putEntries("z", "1").putEntries("a", "").putEntries("m", "3").build();

        var mapped = AppDataMapper.toDomain(appData);

        assertThat(mapped.keySet()).containsExactly("z", "a", "m");
        assertThat(AppDataMapper.toProto(mapped)).isEqualTo(appData);
    }

    @Test
    void noEntriesIsAnEmptyMapAndTheDefaultMessage() {
        assertThat(AppDataMapper.toDomain(AppData.getDefaultInstance())).isEmpty();
        assertThat(AppDataMapper.toProto(AppDataMapper.toDomain(AppData.getDefaultInstance())))
                .isEqualTo(AppData.getDefaultInstance());
    }
}
