package io.hanfs.app;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.hanfs.sbr.Role;
import java.io.IOException;

/** One ObjectMapper for HTTP bodies and CLI output. */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .registerModule(new com.fasterxml.jackson.datatype.jdk8.Jdk8Module())
      .registerModule(new SimpleModule("hanfs-roles").addSerializer(Role.class, new RoleText()));

  private Json() {}

  public static String write(Object o) {
    try {
      return MAPPER.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Roles as operators read them (stop-failed, not STOP_FAILED): the JSON API keeps its text. */
  private static final class RoleText extends StdSerializer<Role> {
    RoleText() {
      super(Role.class);
    }

    @Override
    public void serialize(Role role, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeString(role.display());
    }
  }
}
