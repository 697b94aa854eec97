using BinderTrace.Events;

namespace BinderTrace.Parsers.Perfetto;

/// <summary>One <c>FtraceEvent</c>: its header fields and its payload, by the payload's encoding.</summary>
internal sealed partial class FtraceBundleDecoder
{
    /// <summary>False for an event that was counted as an error instead (a dense event without its descriptor).</summary>
    private bool TryDecodeEvent(ProtoReader reader, int cpu, out TraceEvent traceEvent)
    {
        var eventStart = reader.Offset;
        long timestamp = 0;
        long pid = 0;
        var payloadField = 0;
        var payload = default(ProtoReader);
        while (reader.TryReadTag(out var field, out var wireType))
        {
            switch (field)
            {
                case 1 when wireType == WireType.Varint:
                    timestamp = (long)reader.ReadVarint();
                    break;
                case 2 when wireType == WireType.Varint:
                    pid = (long)reader.ReadVarint();
                    break;
                case 5:
                    reader.Skip(wireType);
                    break;
                default:
                    if (wireType != WireType.LengthDelimited)
                    {
                        reader.Skip(wireType);
                        break;
                    }

                    if (payloadField != 0)
                    {
                        throw new ProtoWireException(reader.Offset, $"ftrace event with two payloads (fields {payloadField} and {field})");
                    }

                    payloadField = field;
                    payload = reader.ReadMessage();
                    break;
            }
        }

        if (payloadField == 0)
        {
            throw new ProtoWireException(eventStart, "ftrace event without a payload");
        }

        _fields.Clear();
        string name;
        if (payloadField == FtraceEventProtos.Generic)
        {
            name = ReadLegacyGeneric(payload);
        }
        else if (payloadField >= FtraceEventProtos.FirstDenseGenericId)
        {
            if (!_descriptors.TryGet(payloadField, out var descriptor))
            {
                _errors.Report(eventStart, $"dense generic event with field id {payloadField} has no descriptor in its bundle");
                traceEvent = default;
                return false;
            }

            name = descriptor!.EventName;
            ReadDense(payload, descriptor);
        }
        else
        {
            var proto = FtraceEventProtos.Of(payloadField);
            name = proto.EventName;
            ReadTyped(payload, proto);
            LearnNames(payloadField);
        }

        var tid = (int)Math.Clamp(pid, int.MinValue, int.MaxValue);
        var header = new EventHeader(timestamp, cpu, tid, _tasks.TgidOf(tid), _tasks.CommOf(tid));
        if (NamedFieldEvents.TryCreate(header, name, _fields, out traceEvent))
        {
            return true;
        }

        if (EventNames.KindOf(name) != EventKind.Generic)
        {
            // A typed event without one of its fields: kept as generic and counted, as the text reader does.
            _diagnostics.MalformedPayloads++;
        }

        traceEvent = TraceEvent.ForGeneric(header, name, _fields.Format());
        return true;
    }

    private void ReadTyped(ProtoReader payload, FtraceEventProto proto)
    {
        while (payload.TryReadTag(out var field, out var wireType))
        {
            var name = proto.FieldName(field);
            if (wireType == WireType.LengthDelimited)
            {
                _fields.AddString(name, _strings.Intern(payload.ReadBytes()));
            }
            else
            {
                _fields.AddInteger(name, payload.ReadInteger(wireType));
            }
        }
    }

    /// <summary><c>GenericFtraceEvent { event_name = 1; repeated Field field = 2 }</c>, <c>Field { name = 1; str_value = 3; int_value = 4; uint_value = 5 }</c>.</summary>
    private string ReadLegacyGeneric(ProtoReader payload)
    {
        var start = payload.Offset;
        string? name = null;
        while (payload.TryReadTag(out var field, out var wireType))
        {
            if (field == 1 && wireType == WireType.LengthDelimited)
            {
                name = _strings.Intern(payload.ReadBytes());
            }
            else if (field == 2 && wireType == WireType.LengthDelimited)
            {
                ReadLegacyField(payload.ReadMessage());
            }
            else
            {
                payload.Skip(wireType);
            }
        }

        return string.IsNullOrEmpty(name) ? throw new ProtoWireException(start, "generic ftrace event without an event name") : name;
    }

    private void ReadLegacyField(ProtoReader field)
    {
        var start = field.Offset;
        string? name = null;
        string? text = null;
        long integer = 0;
        var hasValue = false;
        while (field.TryReadTag(out var number, out var wireType))
        {
            switch (number)
            {
                case 1 when wireType == WireType.LengthDelimited:
                    name = _strings.Intern(field.ReadBytes());
                    break;
                case 3 when wireType == WireType.LengthDelimited:
                    text = _strings.Intern(field.ReadBytes());
                    hasValue = true;
                    break;
                case 4 or 5 when wireType != WireType.LengthDelimited:
                    integer = field.ReadInteger(wireType);
                    hasValue = true;
                    break;
                default:
                    field.Skip(wireType);
                    break;
            }
        }

        if (name is null || !hasValue)
        {
            throw new ProtoWireException(start, "generic ftrace event field without a name or a value");
        }

        if (text is not null)
        {
            _fields.AddString(name, text);
        }
        else
        {
            _fields.AddInteger(name, integer);
        }
    }

    private void ReadDense(ProtoReader payload, DenseEventDescriptor descriptor)
    {
        while (payload.TryReadTag(out var number, out var wireType))
        {
            var known = descriptor.TryGetField(number, out var field);
            var name = known ? field.Name : "f" + number;
            if (wireType != WireType.LengthDelimited)
            {
                _fields.AddInteger(name, payload.ReadInteger(wireType));
            }
            else if (known && field.Type == DenseEventDescriptor.TypeBytes)
            {
                _fields.AddString(name, Convert.ToHexStringLower(payload.ReadBytes()));
            }
            else
            {
                _fields.AddString(name, _strings.Intern(payload.ReadBytes()));
            }
        }
    }

    /// <summary>Events that name tasks teach the comm table (FORMATS.md §3.5).</summary>
    private void LearnNames(int payloadField)
    {
        switch (payloadField)
        {
            case FtraceEventProtos.SchedSwitch:
                LearnComm("prev_pid", "prev_comm");
                LearnComm("next_pid", "next_comm");
                break;
            case FtraceEventProtos.SchedWakeup or 20 or 114:
                LearnComm("pid", "comm");
                break;
            case FtraceEventProtos.TaskNewtask:
                LearnComm("pid", "comm");
                break;
            case FtraceEventProtos.TaskRename:
                LearnComm("pid", "newcomm");
                break;
        }
    }

    private void LearnComm(string pidField, string commField)
    {
        if (_fields.TryGetInteger(pidField, out var pid) && _fields.TryGetString(commField, out var comm))
        {
            _tasks.SetComm(pid, comm);
        }
    }
}
