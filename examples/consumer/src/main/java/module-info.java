/** A program that uses jasyncio from the module path. */
module com.example.consumer {
    requires io.jasyncio;

    exports com.example.consumer;
}
