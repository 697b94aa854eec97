namespace BinderTrace.Export.Parquet;

/// <summary>What a written column chunk contributes to the footer (parquet.thrift <c>ColumnMetaData</c>).</summary>
internal sealed record ColumnChunkMetadata(
    ParquetColumn Column,
    IReadOnlyList<ParquetEncoding> Encodings,
    ParquetCompression Codec,
    long NumValues,
    long NullCount,
    long TotalUncompressedSize,
    long TotalCompressedSize,
    long DataPageOffset,
    long? DictionaryPageOffset);

internal sealed record RowGroupMetadata(IReadOnlyList<ColumnChunkMetadata> Columns, long NumRows, long FileOffset)
{
    public long TotalUncompressedSize => Columns.Sum(c => c.TotalUncompressedSize);

    public long TotalCompressedSize => Columns.Sum(c => c.TotalCompressedSize);
}

/// <summary>
/// Serialises Parquet's Thrift metadata: page headers and the file footer. Field ids are those of
/// parquet.thrift (FORMATS.md §4.3); each write names its struct field in a comment.
/// </summary>
internal static class ParquetMetadataWriter
{
    public static void WriteDataPageHeader(
        ThriftCompactWriter w, int uncompressedSize, int compressedSize, int numValues, ParquetEncoding encoding, int nullCount)
    {
        w.StructBegin();
        w.FieldI32(1, (int)PageType.DataPage);              // PageHeader.type
        w.FieldI32(2, uncompressedSize);                     // PageHeader.uncompressed_page_size
        w.FieldI32(3, compressedSize);                       // PageHeader.compressed_page_size
        w.FieldStructBegin(5);                               // PageHeader.data_page_header
        w.FieldI32(1, numValues);                            // DataPageHeader.num_values (incl. nulls)
        w.FieldI32(2, (int)encoding);                        // DataPageHeader.encoding
        w.FieldI32(3, (int)ParquetEncoding.Rle);             // DataPageHeader.definition_level_encoding
        w.FieldI32(4, (int)ParquetEncoding.Rle);             // DataPageHeader.repetition_level_encoding
        w.FieldStructBegin(5);                               // DataPageHeader.statistics
        w.FieldI64(3, nullCount);                            // Statistics.null_count
        w.StructEnd();
        w.StructEnd();
        w.StructEnd();
    }

    public static void WriteDictionaryPageHeader(ThriftCompactWriter w, int uncompressedSize, int compressedSize, int numValues)
    {
        w.StructBegin();
        w.FieldI32(1, (int)PageType.DictionaryPage);        // PageHeader.type
        w.FieldI32(2, uncompressedSize);                     // PageHeader.uncompressed_page_size
        w.FieldI32(3, compressedSize);                       // PageHeader.compressed_page_size
        w.FieldStructBegin(7);                               // PageHeader.dictionary_page_header
        w.FieldI32(1, numValues);                            // DictionaryPageHeader.num_values
        w.FieldI32(2, (int)ParquetEncoding.Plain);           // DictionaryPageHeader.encoding
        w.StructEnd();
        w.StructEnd();
    }

    public static void WriteFileMetadata(
        ThriftCompactWriter w,
        IReadOnlyList<ParquetColumn> schema,
        IReadOnlyList<RowGroupMetadata> rowGroups,
        IReadOnlyList<KeyValuePair<string, string>> keyValues,
        string createdBy)
    {
        w.StructBegin();
        w.FieldI32(1, 1);                                    // FileMetaData.version
        w.FieldListBegin(2, ThriftType.Struct, schema.Count + 1); // FileMetaData.schema
        w.StructBegin();
        w.FieldString(4, "schema");                          // SchemaElement.name (root)
        w.FieldI32(5, schema.Count);                         // SchemaElement.num_children
        w.StructEnd();
        foreach (var column in schema)
        {
            WriteSchemaElement(w, column);
        }

        w.FieldI64(3, rowGroups.Sum(g => g.NumRows));        // FileMetaData.num_rows
        w.FieldListBegin(4, ThriftType.Struct, rowGroups.Count); // FileMetaData.row_groups
        for (var i = 0; i < rowGroups.Count; i++)
        {
            WriteRowGroup(w, rowGroups[i], (short)i);
        }

        if (keyValues.Count > 0)
        {
            w.FieldListBegin(5, ThriftType.Struct, keyValues.Count); // FileMetaData.key_value_metadata
            foreach (var (key, value) in keyValues)
            {
                w.StructBegin();
                w.FieldString(1, key);                       // KeyValue.key
                w.FieldString(2, value);                     // KeyValue.value
                w.StructEnd();
            }
        }

        w.FieldString(6, createdBy);                         // FileMetaData.created_by
        w.StructEnd();
    }

    private static void WriteSchemaElement(ThriftCompactWriter w, ParquetColumn column)
    {
        w.StructBegin();
        w.FieldI32(1, (int)column.Physical);                 // SchemaElement.type
        w.FieldI32(3, column.Optional ? 1 : 0);              // SchemaElement.repetition_type (OPTIONAL 1 / REQUIRED 0)
        w.FieldString(4, column.Name);                       // SchemaElement.name
        switch (column.Type)
        {
            case ColumnType.String:
                w.FieldI32(6, 0);                            // SchemaElement.converted_type = UTF8
                w.FieldStructBegin(10);                      // SchemaElement.logicalType
                w.FieldEmptyStruct(1);                       // LogicalType.STRING
                w.StructEnd();
                break;
            case ColumnType.UInt32:
            case ColumnType.UInt64:
                var is64 = column.Type == ColumnType.UInt64;
                w.FieldI32(6, is64 ? 14 : 13);               // SchemaElement.converted_type = UINT_64 / UINT_32
                w.FieldStructBegin(10);                      // SchemaElement.logicalType
                w.FieldStructBegin(10);                      // LogicalType.INTEGER
                w.FieldI8(1, (sbyte)(is64 ? 64 : 32));       // IntType.bitWidth
                w.FieldBool(2, false);                       // IntType.isSigned
                w.StructEnd();
                w.StructEnd();
                break;
            case ColumnType.TimestampNanos:
                w.FieldStructBegin(10);                      // SchemaElement.logicalType (no converted_type exists for NANOS)
                w.FieldStructBegin(8);                       // LogicalType.TIMESTAMP
                w.FieldBool(1, false);                       // TimestampType.isAdjustedToUTC
                w.FieldStructBegin(2);                       // TimestampType.unit
                w.FieldEmptyStruct(3);                       // TimeUnit.NANOS
                w.StructEnd();
                w.StructEnd();
                w.StructEnd();
                break;
            case ColumnType.TimestampMicros:
                // LogicalTypes.md: writers must add the legacy TIMESTAMP_MICROS to local timestamps too (older Hive and Spark read only that).
                w.FieldI32(6, 10);                           // SchemaElement.converted_type = TIMESTAMP_MICROS
                w.FieldStructBegin(10);                      // SchemaElement.logicalType
                w.FieldStructBegin(8);                       // LogicalType.TIMESTAMP
                w.FieldBool(1, false);                       // TimestampType.isAdjustedToUTC
                w.FieldStructBegin(2);                       // TimestampType.unit
                w.FieldEmptyStruct(2);                       // TimeUnit.MICROS
                w.StructEnd();
                w.StructEnd();
                w.StructEnd();
                break;
        }

        w.StructEnd();
    }

    private static void WriteRowGroup(ThriftCompactWriter w, RowGroupMetadata group, short ordinal)
    {
        w.StructBegin();
        w.FieldListBegin(1, ThriftType.Struct, group.Columns.Count); // RowGroup.columns
        foreach (var chunk in group.Columns)
        {
            w.StructBegin();
            w.FieldI64(2, 0);                                // ColumnChunk.file_offset (deprecated, required)
            w.FieldStructBegin(3);                           // ColumnChunk.meta_data
            WriteColumnMetadata(w, chunk);
            w.StructEnd();
            w.StructEnd();
        }

        w.FieldI64(2, group.TotalUncompressedSize);          // RowGroup.total_byte_size
        w.FieldI64(3, group.NumRows);                        // RowGroup.num_rows
        w.FieldI64(5, group.FileOffset);                     // RowGroup.file_offset
        w.FieldI64(6, group.TotalCompressedSize);            // RowGroup.total_compressed_size
        w.FieldI16(7, ordinal);                              // RowGroup.ordinal
        w.StructEnd();
    }

    private static void WriteColumnMetadata(ThriftCompactWriter w, ColumnChunkMetadata chunk)
    {
        w.FieldI32(1, (int)chunk.Column.Physical);           // ColumnMetaData.type
        w.FieldListBegin(2, ThriftType.I32, chunk.Encodings.Count); // ColumnMetaData.encodings
        foreach (var encoding in chunk.Encodings)
        {
            w.ElementI32((int)encoding);
        }

        w.FieldListBegin(3, ThriftType.Binary, 1);           // ColumnMetaData.path_in_schema
        w.ElementString(chunk.Column.Name);
        w.FieldI32(4, (int)chunk.Codec);                     // ColumnMetaData.codec
        w.FieldI64(5, chunk.NumValues);                      // ColumnMetaData.num_values (incl. nulls)
        w.FieldI64(6, chunk.TotalUncompressedSize);          // ColumnMetaData.total_uncompressed_size (incl. headers)
        w.FieldI64(7, chunk.TotalCompressedSize);            // ColumnMetaData.total_compressed_size (incl. headers)
        w.FieldI64(9, chunk.DataPageOffset);                 // ColumnMetaData.data_page_offset
        if (chunk.DictionaryPageOffset is { } dictionaryOffset)
        {
            w.FieldI64(11, dictionaryOffset);                // ColumnMetaData.dictionary_page_offset
        }

        w.FieldStructBegin(12);                              // ColumnMetaData.statistics
        w.FieldI64(3, chunk.NullCount);                      // Statistics.null_count
        w.StructEnd();
    }
}
