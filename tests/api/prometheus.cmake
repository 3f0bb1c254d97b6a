switchyard_add_test(test_prometheus SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_prometheus.cpp LIBS switchyard_api switchyard_test_support LABELS api)
