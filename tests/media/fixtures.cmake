# Real media fixtures for restreamer and social-pusher tests (issue 6): a GStreamer RTSP camera,
# an SRT caller source (ffmpeg + srt-live-transmit), an nginx-rtmp "social platform" and
# ffprobe/ffmpeg checks. Included from tests/media/CMakeLists.txt.
add_library(switchyard_media_fixtures STATIC
    ${PROJECT_SOURCE_DIR}/tests/support/mediasources.h
    ${PROJECT_SOURCE_DIR}/tests/support/mediasources.cpp)
# The RTSP server script runs from the source tree (tests run from the build dir).
target_compile_definitions(switchyard_media_fixtures PRIVATE
    SWITCHYARD_RTSP_SOURCE_SCRIPT="${PROJECT_SOURCE_DIR}/tests/support/rtsp-source.py")
target_include_directories(switchyard_media_fixtures PUBLIC ${PROJECT_SOURCE_DIR})
# switchyard_test_support: the raw HTTP client that reads nginx-rtmp's /stat.
target_link_libraries(switchyard_media_fixtures PUBLIC Qt6::Core switchyard_test_support
    switchyard_project_config)

# Proves each fixture against real ffprobe/ffmpeg. Ports 23000-23499 are this suite's.
switchyard_add_test(test_mediafixtures
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_mediafixtures.cpp
    LIBS switchyard_media_fixtures
    LABELS media
    TIMEOUT 300)
