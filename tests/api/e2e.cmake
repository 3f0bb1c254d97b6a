# End-to-end: the real switchyard-server process over real HTTP on loopback, with LOCAL nodes
# (nginx-rtmp) and ffmpeg streams.
switchyard_add_test(test_server_e2e SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/tst_server_e2e.cpp
    LIBS switchyard_test_support LABELS api integration TIMEOUT 600)
add_dependencies(test_server_e2e switchyard-server)
