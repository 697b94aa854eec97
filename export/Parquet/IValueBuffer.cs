namespace BinderTrace.Export.Parquet;

/// <summary>A column buffer that stores present values of type <typeparamref name="T"/>.</summary>
internal interface IValueBuffer<in T>
{
    void Append(T value);
}
