package io.egressratelimit.rls;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import com.google.protobuf.WireFormat;
import io.egressratelimit.logging.LogThrottle;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A request whose bytes are not a valid message (a string that is not UTF-8, a truncated field) is
 * answered INVALID_ARGUMENT, naming the field, like any other bad request. grpc-java's own parser
 * would throw instead, which it answers UNKNOWN "Application error processing RPC" with a stack
 * trace in the log per call. So the services' request parser keeps the failure: it hands on a
 * marked empty message, and {@link #interceptor()} answers it before the service sees it.
 */
public final class MalformedRequests {
  private static final Logger LOG = LoggerFactory.getLogger(MalformedRequests.class);
  /** The highest field number protobuf allows: no Envoy message uses it. It carries the problem. */
  private static final int PROBLEM_FIELD = (1 << 29) - 1;
  private static final LogThrottle THROTTLE = new LogThrottle(Duration.ofSeconds(10));

  private MalformedRequests() {}

  /** The service with its request parser swapped for one that never throws. */
  public static ServerServiceDefinition parsedLeniently(ServerServiceDefinition service) {
    ServiceDescriptor original = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
        .setSchemaDescriptor(original.getSchemaDescriptor());
    Map<String, ServerMethodDefinition<?, ?>> methods = new HashMap<>();
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      ServerMethodDefinition<?, ?> swapped = withParser(method);
      descriptor.addMethod(swapped.getMethodDescriptor());
      methods.put(swapped.getMethodDescriptor().getFullMethodName(), swapped);
    }
    ServerServiceDefinition.Builder built = ServerServiceDefinition.builder(descriptor.build());
    methods.values().forEach(built::addMethod);
    return built.build();
  }

  @SuppressWarnings("unchecked")
  private static <Q, R> ServerMethodDefinition<Q, R> withParser(ServerMethodDefinition<Q, R> method) {
    MethodDescriptor<Q, R> descriptor = method.getMethodDescriptor();
    if (!(descriptor.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<Q> proto)
        || !(proto.getMessagePrototype() instanceof Message)) {
      return method;
    }
    MethodDescriptor.Marshaller<Q> parser = (MethodDescriptor.Marshaller<Q>) new Parser<>((Message) proto
        .getMessagePrototype(), (MethodDescriptor.Marshaller<Message>) proto);
    return ServerMethodDefinition.create(descriptor.toBuilder().setRequestMarshaller(parser).build(),
        method.getServerCallHandler());
  }

  /** Answers a request the parser marked, once, and hands the service nothing more of that call. */
  public static ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
          private boolean refused;

          @Override
          public void onMessage(Q message) {
            if (refused) {
              return;
            }
            Optional<String> problem = message instanceof Message parsed ? problem(parsed) : Optional.empty();
            if (problem.isEmpty()) {
              super.onMessage(message);
              return;
            }
            refused = true;
            String method = call.getMethodDescriptor().getBareMethodName();
            OptionalLong heldBack = THROTTLE.admit(method);
            if (heldBack.isPresent()) {
              LOG.info("a malformed {} request was answered INVALID_ARGUMENT: {}{}", method, problem.get(),
                  LogThrottle.heldBack(heldBack.getAsLong()));
            }
            call.close(Status.INVALID_ARGUMENT.withDescription(problem.get()), new Metadata());
          }

          @Override
          public void onHalfClose() {
            if (!refused) {
              super.onHalfClose();
            }
          }

          @Override
          public void onReady() {
            if (!refused) {
              super.onReady();
            }
          }
        };
      }
    };
  }

  /** Why the parser could not read this request, or empty for a request read whole. */
  static Optional<String> problem(Message message) {
    UnknownFieldSet unknown = message.getUnknownFields();
    if (!unknown.hasField(PROBLEM_FIELD)) {
      return Optional.empty();
    }
    return unknown.getField(PROBLEM_FIELD).getLengthDelimitedList().stream().findFirst().map(ByteString::toStringUtf8);
  }

  /**
   * Where the bytes of a message of this type hold a string that is not UTF-8, as a path such as
   * {@code descriptors[0].entries[1].value}; empty when every string is UTF-8.
   */
  static Optional<String> invalidString(Descriptor type, ByteString bytes) throws IOException {
    CodedInputStream in = bytes.newCodedInput();
    Map<Integer, Integer> seen = new HashMap<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      FieldDescriptor field = type.findFieldByNumber(WireFormat.getTagFieldNumber(tag));
      if (field == null || WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED
          || (field.getType() != FieldDescriptor.Type.STRING && field.getType() != FieldDescriptor.Type.MESSAGE)) {
        in.skipField(tag);
        continue;
      }
      int index = seen.merge(field.getNumber(), 1, Integer::sum) - 1;
      String where = field.getName() + (field.isRepeated() ? "[" + index + "]" : "");
      ByteString value = in.readBytes();
      if (field.getType() == FieldDescriptor.Type.STRING) {
        if (!value.isValidUtf8()) {
          return Optional.of(where);
        }
      } else {
        Optional<String> inside = invalidString(field.getMessageType(), value);
        if (inside.isPresent()) {
          return Optional.of(where + "." + inside.get());
        }
      }
    }
    return Optional.empty();
  }

  /** Reads a request whole; a request it cannot read becomes an empty one that carries the reason. */
  private static final class Parser<T extends Message> implements MethodDescriptor.PrototypeMarshaller<T> {
    private final T prototype;
    private final MethodDescriptor.Marshaller<T> original;

    Parser(T prototype, MethodDescriptor.Marshaller<T> original) {
      this.prototype = prototype;
      this.original = original;
    }

    @Override
    public InputStream stream(T value) {
      return original.stream(value);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T parse(InputStream stream) {
      ByteString bytes;
      try {
        bytes = ByteString.readFrom(stream);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try {
        return (T) prototype.getParserForType().parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        return (T) prototype.toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(PROBLEM_FIELD, UnknownFieldSet.Field.newBuilder()
                .addLengthDelimited(ByteString.copyFromUtf8(describe(bytes, e))).build())
            .build()).build();
      }
    }

    private String describe(ByteString bytes, InvalidProtocolBufferException e) {
      Descriptor type = prototype.getDescriptorForType();
      try {
        Optional<String> field = invalidString(type, bytes);
        if (field.isPresent()) {
          return field.get() + " is not valid UTF-8; every string of a " + type.getName() + " must be";
        }
      } catch (IOException unreadable) {
        // the same bytes failed the parser too; its own message says why
      }
      return "the request is not a valid " + type.getFullName() + ": " + e.getMessage();
    }

    @Override
    public T getMessagePrototype() {
      return prototype;
    }

    @Override
    public Class<T> getMessageClass() {
      @SuppressWarnings("unchecked")
      Class<T> type = (Class<T>) prototype.getClass();
      return type;
    }
  }
}
