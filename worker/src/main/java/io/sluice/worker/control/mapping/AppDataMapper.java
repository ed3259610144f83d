package io.sluice.worker.control.mapping;

import io.sluice.api.v1.AppData;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** An application's free-form key/values: the API's {@code AppData} to the router's plain map, order kept, and back. */
public final class AppDataMapper {

    private AppDataMapper() {}

    public static Map<String, String> toDomain(AppData appData) {
        return appData.getEntriesCount() == 0
                ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(appData.getEntriesMap()));
    }

    public static AppData toProto(Map<String, String> appData) {
        return AppData.newBuilder().putAllEntries(appData).build();
    }
}
